import { CommonConfig, loadConfig } from '@dialer/platform';
import { migrate } from '../data-source';

async function main(): Promise<void> {
  const cfg = loadConfig(CommonConfig);
  const applied = await migrate({ url: cfg.DATABASE_URL, schema: cfg.DB_SCHEMA });
  process.stdout.write(`${JSON.stringify({ migrated: applied })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`migration failed: ${(err as Error).message}\n`);
  process.exit(1);
});
