/**
 * `pnpm start`: migrates, then runs every service as its own process against the configured Postgres
 * and Redis, in the foreground until interrupted (Ctrl-C stops them all gracefully).
 */
import { startStack } from '@dialer/testing';
import { tsx } from './lib/run';

async function main(): Promise<void> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  await tsx('packages/db/src/cli/migrate.ts', [], env);
  const stack = await startStack({
    env, useDefaultPorts: true, echo: process.stdout,
    workers: Number(process.env.DIALER_WORKERS ?? 1), schedulers: Number(process.env.SCHEDULERS ?? 1),
  });
  process.stdout.write(`\nall services up:\n${Object.entries(stack.urls).map(([k, v]) => `  ${k.padEnd(20)} ${v}`).join('\n')}\n`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping…\n');
    stack.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (const p of stack.procs.values()) {
    void p.exited.then((code) => {
      if (!stopping) {
        process.stderr.write(`${p.name} exited unexpectedly (code ${code}); stopping the rest\n`);
        stop();
      }
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
