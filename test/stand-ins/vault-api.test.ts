import { afterEach, describe, expect, it } from 'vitest';
import { startVaultStandIn, VaultStandIn } from './vault-api';

let vault: VaultStandIn | undefined;
afterEach(async () => {
  await vault?.close();
  vault = undefined;
});

async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}) {
  const res = await fetch(`${vault!.url}/v1/${path}`, {
    method,
    headers: { ...(opts.token ? { 'X-Vault-Token': opts.token } : {}), ...(opts.body ? { 'Content-Type': 'application/json' } : {}) },
    body: opts.body ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('Vault API stand-in', () => {
  it('walks health through 501, 503 and 200 with init and unseal, and refuses a second init', async () => {
    vault = await startVaultStandIn();
    expect((await call('GET', 'sys/health')).status).toBe(501);
    expect((await call('GET', 'sys/health?uninitcode=200')).status).toBe(200);
    const init = await call('PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
    expect(init.status).toBe(200);
    expect((await call('GET', 'sys/health')).status).toBe(503);
    expect((await call('GET', 'sys/mounts/secret', { token: init.body.root_token })).status).toBe(503);
    expect((await call('PUT', 'sys/unseal', { body: { key: 'wrong' } })).status).toBe(400);
    expect((await call('PUT', 'sys/unseal', { body: { key: init.body.keys[0] } })).body.sealed).toBe(false);
    expect((await call('GET', 'sys/health')).status).toBe(200);
    vault.state.standby = true;
    expect((await call('GET', 'sys/health')).status).toBe(429);
    expect((await call('GET', 'sys/health?standbyok=true')).status).toBe(200);
    expect((await call('PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })).status).toBe(400);
  });

  it('checks tokens and capabilities, with sudo on sys/auth', async () => {
    vault = await startVaultStandIn({ initialized: true });
    expect((await call('GET', 'sys/mounts/secret')).status).toBe(403);
    const token = vault.addToken({ policies: ['p'], capabilities: { 'sys/mounts/*': ['read', 'create'], 'sys/auth/kubernetes': ['read', 'create'] } });
    expect((await call('GET', 'sys/mounts/secret', { token })).status).toBe(400);
    expect((await call('POST', 'sys/mounts/secret', { token, body: { type: 'kv', options: { version: '2' } } })).status).toBe(204);
    expect((await call('POST', 'sys/mounts/secret', { token, body: { type: 'kv' } })).status).toBe(403); // exists: update needed
    expect((await call('POST', 'sys/auth/kubernetes', { token, body: { type: 'kubernetes' } })).status).toBe(403); // no sudo
    const caps = await call('POST', 'sys/capabilities-self', { token, body: { paths: ['sys/mounts/x', 'sys/auth/kubernetes', 'other'] } });
    expect(caps.body).toEqual({ 'sys/mounts/x': ['create', 'read'], 'sys/auth/kubernetes': ['create', 'read'], other: [] });
    expect((await call('GET', 'auth/token/lookup-self', { token: vault.state.rootToken })).body.data.policies).toEqual(['root']);
  });

  it('keeps KV v2 versions and refuses a write whose check-and-set does not match', async () => {
    vault = await startVaultStandIn({ initialized: true });
    const token = vault.state.rootToken!;
    await call('POST', 'sys/mounts/secret', { token, body: { type: 'kv', options: { version: '2' } } });
    expect((await call('GET', 'secret/data/dev/a', { token })).status).toBe(404);
    expect((await call('POST', 'secret/data/dev/a', { token, body: { options: { cas: 0 }, data: { K: 'v' } } })).body.data.version).toBe(1);
    expect((await call('POST', 'secret/data/dev/a', { token, body: { options: { cas: 0 }, data: { K: 'w' } } })).status).toBe(400);
    const read = await call('GET', 'secret/data/dev/a', { token });
    expect(read.body.data).toMatchObject({ data: { K: 'v' }, metadata: { version: 1 } });
  });
});
