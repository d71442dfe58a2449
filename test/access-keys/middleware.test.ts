import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileAccessKeyStore } from '../../lib/access-keys/file-store';
import { accessKeyMiddleware, bypassRequestScope, RequestWithGrant, withAccessKey } from '../../lib/access-keys/middleware';
import type { AccessKeys } from '../../lib/access-keys/access-keys';
import { expectNoLeak } from '../support/canary';
import { keysWith, SCOPE } from './helpers';

const BYPASS = ['/api/v1/runs/*/bypass'];
const { runId: _r, ...SERVICE } = SCOPE;

/** The example service: its bypass route guarded by a run key, answering with the grant it saw. */
function exampleServer(keys: AccessKeys, style: 'node' | 'express'): Server {
  const opts = { authorizer: keys, scope: bypassRequestScope({ ...SERVICE, paths: BYPASS }) };
  const handler = (req: RequestWithGrant, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, grant: req.secretopsAccessKey }));
  };
  if (style === 'node') return createServer(withAccessKey(handler, opts));
  // A minimal Express-style chain: each layer is (req, res, next).
  const chain = [accessKeyMiddleware(opts), (req: IncomingMessage, res: ServerResponse) => handler(req as RequestWithGrant, res)];
  return createServer((req, res) => {
    const next = (i: number) => (err?: unknown) => {
      if (err) {
        res.writeHead(500);
        res.end('error');
        return;
      }
      chain[i]?.(req, res, next(i + 1));
    };
    next(0)();
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe.each(['node', 'express'] as const)('middleware (%s style) in an example HTTP server', (style) => {
  // The store outlives single tests here (tempDir() is removed after each test).
  const dir = mkdtempSync(join(tmpdir(), 'secretops-mw-'));
  const { keys, audit } = keysWith({ store: new FileAccessKeyStore(dir) });
  const server = exampleServer(keys, style);
  let base = '';
  let key = '';
  let keyId = '';
  beforeAll(async () => {
    base = await listen(server);
    const issued = await keys.issue(SCOPE);
    key = issued.key;
    keyId = issued.info.id;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    return { status: res.status, body: await res.json(), wwwAuthenticate: res.headers.get('www-authenticate') };
  };

  it('lets a request with the run key in Authorization: Bearer through, with the grant', async () => {
    const r = await get('/api/v1/runs/run-42/bypass', { authorization: `Bearer ${key}` });
    expect(r).toMatchObject({ status: 200, body: { ok: true, grant: { keyId, scope: SCOPE } } });
  });

  it('accepts the X-Secretops-Run-Key header', async () => {
    expect((await get('/api/v1/runs/run-42/bypass', { 'x-secretops-run-key': key })).status).toBe(200);
  });

  it('answers 403 for another run and 401 for a missing, wrong or malformed key', async () => {
    expect(await get('/api/v1/runs/run-43/bypass', { authorization: `Bearer ${key}` })).toMatchObject({ status: 403, body: { error: 'access_denied', reason: 'scope_mismatch:runId' } });
    expect(await get('/api/v1/runs/run-42/bypass')).toMatchObject({ status: 401, body: { reason: 'missing_key' }, wwwAuthenticate: expect.stringContaining('Bearer') });
    const wrong = key.slice(0, -2) + (key.endsWith('AA') ? 'BB' : 'AA');
    expect(await get('/api/v1/runs/run-42/bypass', { authorization: `Bearer ${wrong}` })).toMatchObject({ status: 401, body: { reason: 'unknown_key' } });
    expect(await get('/api/v1/runs/run-42/bypass', { authorization: 'Bearer sok_garbage' })).toMatchObject({ status: 401, body: { reason: 'malformed' } });
  });

  it('denies paths that are not declared bypass paths, even with a valid key', async () => {
    expect(await get('/api/v1/runs/run-42/bypass/extra', { authorization: `Bearer ${key}` })).toMatchObject({ status: 403, body: { reason: 'scope_mismatch:runId' } });
    expect(await get('/admin', { authorization: `Bearer ${key}` })).toMatchObject({ status: 403 });
  });

  it('refuses paths that are not in normal form, so the handler never serves a path other than the one authorized', async () => {
    // Raw request lines (fetch would normalize them before sending, a client need not).
    const raw = (path: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const r = request(`${base}/`, { path, headers: { authorization: `Bearer ${key}` } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        r.on('error', reject);
        r.end();
      });
    for (const path of ['/api/v1/runs/x/../run-42/bypass', '/api/v1/runs/x/%2e%2e/run-42/bypass', '/api/v1/runs/x/%2E%2E/run-42/bypass', '/api/v1/runs/run-42/./bypass', '//api/v1/runs/run-42/bypass', '/api/v1/runs/run-42\\bypass']) {
      expect(await raw(path), path).toEqual({ status: 400, body: { error: 'access_denied', reason: 'non_normalized_path' } });
    }
    // The normal form of the same request is allowed; a query string is not part of the path.
    expect(await raw('/api/v1/runs/run-42/bypass?x=../y')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('denies after revocation, and no response or audit line carries the key', async () => {
    await keys.revoke(keyId);
    const r = await get('/api/v1/runs/run-42/bypass', { authorization: `Bearer ${key}` });
    expect(r).toMatchObject({ status: 401, body: { reason: 'revoked' } });
    expectNoLeak([JSON.stringify(r), ...audit.lines], key);
    expect(audit.events.filter((e) => e.action === 'authorize').map((e) => e.outcome)).toContain('deny');
  });
});

describe('middleware when the store fails', () => {
  it('never allows: 503 from the Node wrapper, next(err) from the Express-style one; a failing handler gets 500', async () => {
    const failing = { authorizeByKey: async () => Promise.reject(new Error('store down')) };
    const opts = { authorizer: failing, scope: bypassRequestScope({ ...SERVICE, paths: BYPASS }) };
    const server = createServer(withAccessKey(() => {
      throw new Error('handler must not run');
    }, opts));
    const base = await listen(server);
    try {
      const res = await fetch(`${base}/api/v1/runs/run-42/bypass`, { headers: { authorization: 'Bearer x' } });
      expect(res.status).toBe(503);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const { keys } = keysWith();
    const { key } = await keys.issue(SCOPE);
    const throwing = createServer(withAccessKey(() => {
      throw new Error('handler bug');
    }, { authorizer: keys, scope: bypassRequestScope({ ...SERVICE, paths: BYPASS }) }));
    const base2 = await listen(throwing);
    try {
      const res = await fetch(`${base2}/api/v1/runs/run-42/bypass`, { headers: { authorization: `Bearer ${key}` } });
      expect([res.status, await res.json()]).toEqual([500, { error: 'internal_error' }]);
    } finally {
      await new Promise<void>((resolve) => throwing.close(() => resolve()));
    }
    const seen: unknown[] = [];
    accessKeyMiddleware(opts)({ url: '/api/v1/runs/r/bypass', headers: {} } as IncomingMessage, {} as ServerResponse, (err) => seen.push(err));
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([expect.objectContaining({ message: 'store down' })]);
  });
});
