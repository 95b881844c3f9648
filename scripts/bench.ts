/**
 * `pnpm bench <name> [--flag value …]`: the single entry point for benchmarks. Each benchmark lives in
 * bench/<name>.bench.ts, exports `run(args)`, and ends its output with one line of JSON holding its figures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const [k, inline] = a.slice(2).split('=', 2) as [string, string | undefined];
    if (inline !== undefined) out[k] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[k] = argv[++i]!;
    else out[k] = 'true';
  }
  return out;
}

/** A benchmark's one-line summary (its `summary` export), read without loading it. */
function describe(file: string): string {
  return /export const summary = '((?:[^'\\]|\\.)*)'/.exec(readFileSync(file, 'utf8'))?.[1]?.replace(/\\'/g, "'") ?? '';
}

async function main(): Promise<void> {
  const dir = path.resolve(__dirname, '../bench');
  const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
  const name = process.argv[2];
  const list = available.map((b) => `  ${b.padEnd(14)} ${describe(path.join(dir, `${b}.bench.ts`))}`).join('\n');
  if (!name || name === '--help' || name === 'list') {
    process.stdout.write(`usage: pnpm bench <name> [--flag value …]; each ends with one line of JSON\n\n${list}\n`);
    process.exit(0);
  }
  if (!available.includes(name)) {
    process.stderr.write(`no benchmark named "${name}"; these exist:\n${list}\n`);
    process.exit(2);
  }
  const mod = (await import(path.join(dir, `${name}.bench.ts`))) as { run(args: Record<string, string>): Promise<Record<string, unknown>> };
  const result = await mod.run(parseArgs(process.argv.slice(3)));
  process.stdout.write(`${JSON.stringify({ bench: name, ...result })}\n`);
  process.exit(0);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
