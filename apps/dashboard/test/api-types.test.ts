import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// The generator runs as its own process (tsx): openapi-typescript loads ESM-only modules that Jest's
// CommonJS runtime cannot require on Node 20. The root tsconfig gives tsx the legacy decorators the
// DTOs need (the app's own tsconfig is for the browser code).
const root = resolve(__dirname, '..');

describe('the dashboard API types', () => {
  it('when the OpenAPI document is generated now, then the committed types match it (else run pnpm api:types)', () => {
    const generated = execFileSync(process.execPath, [require.resolve('tsx/cli'), '--tsconfig', '../../tsconfig.json', 'scripts/gen-api-types.ts', '--stdout'], {
      cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024,
    });
    const committed = readFileSync(resolve(root, 'src/lib/api-schema.d.ts'), 'utf8');
    expect(committed).toBe(generated);
  });
});
