import { createDataSource, migrate } from '@dialer/db';
import { CommonConfig, loadConfig } from '@dialer/platform';
import { createTenant } from '../tenants/create-tenant';

/**
 * `create-tenant <name>`: applies pending migrations, creates the tenant with an admin API key and
 * prints `{"tenantId":"…","apiKey":"…"}` as one line. The key is shown only here.
 */
async function main(argv: string[]): Promise<number> {
  const name = argv.join(' ').trim();
  if (!name) {
    process.stderr.write('usage: create-tenant <name>\n');
    return 2;
  }
  const cfg = loadConfig(CommonConfig);
  await migrate({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA });
  const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, poolSize: 1, applicationName: 'create-tenant' });
  await ds.initialize();
  try {
    const t = await createTenant(ds, name);
    process.stdout.write(`${JSON.stringify({ tenantId: t.tenantId, apiKey: t.apiKey })}\n`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

// exitCode, not exit(): stdout is flushed before the process ends.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`create-tenant failed: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
