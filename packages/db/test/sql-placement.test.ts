import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * SQL lives in repositories of the table it writes: route handlers, use cases, processors and
 * composition roots call repository functions. This names every source file outside a repository
 * that runs a statement or reaches a TypeORM repository, so a new one is a deliberate choice.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SCANNED = [
  'packages/db/src', 'packages/domain/src', 'packages/providers/src', 'packages/queue/src', 'packages/platform/src',
  'packages/calls/src', 'services/campaign-api/src', 'services/dialer-worker/src', 'services/webhook-ingest/src',
  'services/metrics-aggregator/src', 'services/scheduler/src', 'services/event-delivery/src',
];

/** Files allowed to run SQL although not named `*.repository.ts`, and why. */
const ALLOWED: Record<string, string> = {
  'packages/db/src/sql.ts': 'the statement helpers themselves (queryRows, mutate, preparedQuery, pingDatabase)',
  'packages/db/src/data-source.ts': 'creating the database and running migrations',
  'packages/db/src/repositories/fold-call-attempt.ts': 'a repository of packages/db (folds an attempt into the counters)',
  'packages/db/src/repositories/recount-campaign.ts': 'a repository of packages/db (the recount)',
  'services/campaign-api/src/imports/run-import.ts': 'the import lanes own their connections: session settings, the staging table, COPY',
};

const SQL_CALL = /\.(query|createQueryBuilder|getRepository)(<[^>]*>)?\(|\b(queryRows|mutate|preparedQuery)(<[^>]*>)?\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('where SQL lives', () => {
  it('when a source file outside a repository runs SQL, then it is one of the few named with a reason', () => {
    const offenders: string[] = [];
    for (const dir of SCANNED) {
      for (const file of sources(join(ROOT, dir))) {
        const rel = relative(ROOT, file);
        if (rel.endsWith('.repository.ts') || ALLOWED[rel]) continue;
        const code = readFileSync(file, 'utf8').split('\n').filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l));
        const hit = code.find((l) => SQL_CALL.test(l));
        if (hit) offenders.push(`${rel}: ${hit.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('when the scan looks at a file with a statement, then it sees it (the check can fail)', () => {
    expect(SQL_CALL.test('await ds.query(`SELECT 1`)')).toBe(true);
    expect(SQL_CALL.test('await queryRows<T>(m, SQL, [])')).toBe(true);
    expect(SQL_CALL.test('m.getRepository(CampaignEntity).findOneBy({ id })')).toBe(true);
    expect(SQL_CALL.test('res.json(await listApiKeys(ds, tenantId, false))')).toBe(false);
  });
});
