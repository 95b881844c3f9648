import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

/** Runs a command to completion, returning its stdout; rejects with its stderr on a non-zero exit. */
export function run(cmd: string, args: string[], env: Record<string, string> = {}, inheritStderr = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', inheritStderr ? 'inherit' : 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err.trim()}`))));
  });
}

export function tsx(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  return run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, script), ...args], env);
}
