import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type Api } from './helpers';

describe('serving the web dashboard', () => {
  let dir: string;
  let api: Api;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-dist-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Dialer</title><script type="module" src="/assets/index-abc123.js"></script>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
    api = await startApi('dashboard-serving', { DASHBOARD_DIR: dir });
  });

  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when / is read, then index.html is answered and must be revalidated', async () => {
    const res = await api.http.get('/').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('<title>Dialer</title>');
  });

  it('when a hashed asset is read, then it is cached for a year as immutable', async () => {
    const res = await api.http.get('/assets/index-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('when a missing asset is read, then it answers 404 and never index.html', async () => {
    const res = await api.http.get('/assets/nope.js').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('when a deep link is opened in a browser, then index.html is answered (history fallback)', async () => {
    const res = await api.http.get('/campaigns/7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10').set('Accept', 'text/html,application/xhtml+xml');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain('<title>Dialer</title>');
  });

  it('when a client asks only for JSON at an unknown path, then it gets the JSON 404', async () => {
    const res = await api.http.get('/campaigns').set('Accept', 'application/json');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('when an unknown /v1 route is read with Accept: text/html, then it still answers the JSON 404', async () => {
    const res = await api.http.get('/v1/nope').set('Accept', 'text/html').set(api.auth());
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.error.code).toBe('route_not_found');
  });

  it('when the ops routes and the API document are read, then the fallback leaves them alone', async () => {
    const doc = await api.http.get('/openapi.json').set('Accept', 'text/html');
    expect(doc.headers['content-type']).toMatch(/application\/json/);
    const health = await api.http.get('/healthz').set('Accept', 'text/html');
    expect(health.headers['content-type']).toMatch(/application\/json/);
  });

  it('when the page is answered, then its CSP allows only same-origin scripts', async () => {
    const res = await api.http.get('/').set('Accept', 'text/html');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });

  it('when the dashboard is not built, then / says how to build it', async () => {
    rmSync(join(dir, 'index.html'));
    const res = await api.http.get('/').set('Accept', 'text/html');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('the dashboard is not built: run pnpm build');
  });
});
