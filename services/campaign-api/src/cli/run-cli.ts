import { createDataSource, migrate, type DataSource } from '@dialer/db';
import { CommonConfig, loadConfig } from '@dialer/platform';

/** Migrates the configured database, then runs `work` with a one-connection data source, closed after. */
export async function withDatabase<T>(name: string, work: (ds: DataSource) => Promise<T>): Promise<T> {
  const cfg = loadConfig(CommonConfig);
  await migrate({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA });
  const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, poolSize: 1, applicationName: name });
  await ds.initialize();
  try {
    return await work(ds);
  } finally {
    await ds.destroy();
  }
}

/**
 * Runs a command's main with its arguments and sets the exit code it answers (exitCode, not exit():
 * stdout is flushed before the process ends); an error prints "<name> failed: <message>" and exits 1.
 */
export function runCli(name: string, main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
