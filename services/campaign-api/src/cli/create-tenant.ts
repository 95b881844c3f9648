import { isISO31661Alpha2 } from 'class-validator';
import { createTenant } from '../tenants/create-tenant';
import { runCli, withDatabase } from './run-cli';

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
  return withDatabase('create-tenant', async (ds) => {
    const t = await createTenant(ds, name, { defaultCountry: country });
    process.stdout.write(`${JSON.stringify({ tenantId: t.tenantId, apiKey: t.apiKey, defaultCountry: t.defaultCountry })}\n`);
    return 0;
  });
}

runCli('create-tenant', main);
