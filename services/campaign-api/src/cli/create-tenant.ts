import { isISO31661Alpha2 } from 'class-validator';
import { createDataSource, migrate } from '@dialer/db';
import { CommonConfig, loadConfig } from '@dialer/platform';
import { createTenant } from '../tenants/create-tenant';

const USAGE = 'usage: create-tenant <name> [--country XX]  (XX: ISO 3166-1 alpha-2 country of numbers written without a country code; default US)\n';

/**
 * `create-tenant <name> [--country IN]`: applies pending migrations, creates the tenant with an
 * admin API key and prints `{"tenantId":"…","apiKey":"…","defaultCountry":"…"}` as one line. The
 * key is shown only here; the country can be changed later with PATCH /v1/tenant.
 */
async function main(argv: string[]): Promise<number> {
  const words: string[] = [];
  let country = 'US';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--country' || a.startsWith('--country=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v || !isISO31661Alpha2(v.trim().toUpperCase())) {
        process.stderr.write(`--country needs an ISO 3166-1 alpha-2 code (US, IN, GB …), not "${v ?? ''}"\n${USAGE}`);
        return 2;
      }
      country = v.trim().toUpperCase();
    } else words.push(a);
  }
  const name = words.join(' ').trim();
  if (!name) {
    process.stderr.write(USAGE);
    return 2;
  }
  const cfg = loadConfig(CommonConfig);
  await migrate({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA });
  const ds = createDataSource({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA, poolSize: 1, applicationName: 'create-tenant' });
  await ds.initialize();
  try {
    const t = await createTenant(ds, name, { defaultCountry: country });
    process.stdout.write(`${JSON.stringify({ tenantId: t.tenantId, apiKey: t.apiKey, defaultCountry: t.defaultCountry })}\n`);
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
