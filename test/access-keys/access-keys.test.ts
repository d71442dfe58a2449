import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { AccessKeys } from '../../lib/access-keys/access-keys';
import { FileAccessKeyStore } from '../../lib/access-keys/file-store';
import { ACCESS_KEY_LENGTH, ACCESS_KEY_PATTERN, accessKeyId } from '../../lib/access-keys/key-format';
import { SCOPE_FIELDS } from '../../lib/access-keys/scope';
import { MemoryAuditLog } from '../../lib/audit/audit-log';
import { UserError } from '../../lib/errors';
import { expectNoLeak } from '../support/canary';
import { tempDir } from '../support/tmp';
import { keysWith, SCOPE, SEED, testClock } from './helpers';

describe('key format', () => {
  it('is sok_ + 16 hex id + 43 base64url characters (256 bits), recognisable by the pattern', async () => {
    const { keys } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    expect(key).toHaveLength(ACCESS_KEY_LENGTH);
    expect(key.startsWith(`sok_${info.id}_`)).toBe(true);
    expect(accessKeyId(key)).toBe(info.id);
    expect(`token=${key};`.match(ACCESS_KEY_PATTERN)).toEqual([key]);
    expect(`x${key}`.match(ACCESS_KEY_PATTERN)).toBeNull();
    const other = await keys.issue(SCOPE);
    expect(other.key).not.toBe(key);
  });
});

describe('authorizeByKey', () => {
  it('allows a fresh key for its exact scope and records last use', async () => {
    const clock = testClock();
    const { keys } = keysWith({ clock: clock.now });
    const { key, info } = await keys.issue(SCOPE);
    clock.advance(60_000);
    expect(await keys.authorizeByKey(key, SCOPE)).toEqual({ allow: true, keyId: info.id, scope: SCOPE });
    expect((await keys.status(info.id)).lastUsedAt).toBe('2026-01-01T00:01:00.000Z');
  });

  it.each(SCOPE_FIELDS)('denies a request whose %s differs with scope_mismatch:<field>', async (field) => {
    const { keys } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    const decision = await keys.authorizeByKey(key, { ...SCOPE, [field]: 'other' });
    expect(decision).toEqual({ allow: false, reason: `scope_mismatch:${field}`, keyId: info.id });
    const missing = { ...SCOPE } as Record<string, string>;
    delete missing[field];
    expect(await keys.authorizeByKey(key, missing)).toMatchObject({ allow: false, reason: `scope_mismatch:${field}` });
    expect((await keys.status(info.id)).lastUsedAt).toBeUndefined();
  });

  it('denies once the TTL has passed (injected clock), and status says expired', async () => {
    const clock = testClock();
    const { keys } = keysWith({ clock: clock.now });
    const { key, info } = await keys.issue(SCOPE, { ttl: '30m' });
    expect(info.expiresAt).toBe('2026-01-01T00:30:00.000Z');
    clock.advance(30 * 60_000 - 1);
    expect((await keys.authorizeByKey(key, SCOPE)).allow).toBe(true);
    clock.advance(1);
    expect(await keys.authorizeByKey(key, SCOPE)).toEqual({ allow: false, reason: 'expired', keyId: info.id });
    expect((await keys.status(info.id)).status).toBe('expired');
  });

  it('denies a revoked key', async () => {
    const { keys } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    const revoked = await keys.revoke(info.id);
    expect(revoked).toMatchObject({ status: 'revoked', revokedReason: 'revoked' });
    expect(await keys.authorizeByKey(key, SCOPE)).toEqual({ allow: false, reason: 'revoked', keyId: info.id });
  });

  it('regeneration invalidates the old key and the new one works with the same scope', async () => {
    const { keys } = keysWith();
    const old = await keys.issue(SCOPE);
    const next = await keys.regenerate(old.info.id, { ttl: '2h' });
    expect(next.key).not.toBe(old.key);
    expect(next.info).toMatchObject({ scope: SCOPE, replaces: old.info.id, status: 'active' });
    expect(await keys.authorizeByKey(old.key, SCOPE)).toMatchObject({ allow: false, reason: 'revoked' });
    expect(await keys.authorizeByKey(next.key, SCOPE)).toMatchObject({ allow: true, keyId: next.info.id });
    expect(await keys.status(old.info.id)).toMatchObject({ status: 'revoked', revokedReason: 'regenerated', replacedBy: next.info.id });
    await expect(keys.regenerate(old.info.id)).rejects.toBeInstanceOf(UserError);
  });

  it('of two concurrent regenerations only one issues a key', async () => {
    const { keys } = keysWith();
    const old = await keys.issue(SCOPE);
    const results = await Promise.allSettled([keys.regenerate(old.info.id), keys.regenerate(old.info.id)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await keys.list({ runId: SCOPE.runId })).filter((k) => k.status === 'active')).toHaveLength(1);
  });

  it('denies unknown, forged, malformed and missing keys', async () => {
    const { keys } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
    expect(await keys.authorizeByKey(key.slice(0, -1) + lastChar, SCOPE)).toEqual({ allow: false, reason: 'unknown_key' });
    expect(await keys.authorizeByKey(key.replace(info.id, '0123456789abcdef'), SCOPE)).toEqual({ allow: false, reason: 'unknown_key' });
    expect(await keys.authorizeByKey('sok_nothex', SCOPE)).toEqual({ allow: false, reason: 'malformed' });
    expect(await keys.authorizeByKey(key + 'x', SCOPE)).toEqual({ allow: false, reason: 'malformed' });
    expect(await keys.authorizeByKey(undefined, SCOPE)).toEqual({ allow: false, reason: 'missing_key' });
  });

  it('a key issued under another seed is unknown', async () => {
    const dir = tempDir();
    const a = new AccessKeys({ store: new FileAccessKeyStore(dir), seed: SEED, audit: new MemoryAuditLog() });
    const b = new AccessKeys({ store: new FileAccessKeyStore(dir), seed: 'another-seed-of-enough-length-0123456789', audit: new MemoryAuditLog() });
    const { key } = await a.issue(SCOPE);
    expect(await b.authorizeByKey(key, SCOPE)).toMatchObject({ allow: false, reason: 'unknown_key' });
  });
});

describe('issue', () => {
  it('applies the default TTL and refuses more than the maximum', async () => {
    const clock = testClock();
    const { keys } = keysWith({ clock: clock.now });
    expect((await keys.issue(SCOPE)).info.expiresAt).toBe('2026-01-01T01:00:00.000Z');
    await expect(keys.issue(SCOPE, { ttl: '13h' })).rejects.toThrow(/exceeds the maximum of 12h/);
    await expect(keys.issue(SCOPE, { ttl: 'soon' })).rejects.toThrow(/not a duration/);
  });

  it('refuses a malformed scope, naming each field', async () => {
    const { keys } = keysWith();
    await expect(keys.issue({ ...SCOPE, namespace: 'Not_A_Namespace', runId: '' })).rejects.toThrow(/runId is required[\s\S]*namespace "Not_A_Namespace" is not valid/);
  });

  it('refuses a short seed', () => {
    expect(() => new AccessKeys({ store: new FileAccessKeyStore(tempDir()), seed: 'short', audit: new MemoryAuditLog() })).toThrow(/SECRETOPS_SEED/);
  });

  it('stores only a digest and metadata, in 0600 files', async () => {
    const dir = tempDir();
    const { keys } = keysWith({ store: new FileAccessKeyStore(dir) });
    const { key, info } = await keys.issue(SCOPE);
    const file = join(dir, 'access-keys', `${info.id}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'access-keys')).mode & 0o777).toBe(0o700);
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(file, 'utf8');
    expectNoLeak([text], key);
    expect(JSON.parse(text).record).toMatchObject({ id: info.id, digestAlgorithm: 'hmac-sha256-v1', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });
});

describe('audit', () => {
  it('records issue, authorize, deny, regenerate and revoke without the key or its digest', async () => {
    const dir = tempDir();
    const { keys, audit } = keysWith({ store: new FileAccessKeyStore(dir) });
    const first = await keys.issue(SCOPE);
    await keys.authorizeByKey(first.key, SCOPE);
    await keys.authorizeByKey(first.key, { ...SCOPE, runId: 'other' });
    const second = await keys.regenerate(first.info.id);
    await keys.authorizeByKey(first.key, SCOPE);
    await keys.revoke(second.info.id);
    expect(audit.events.map((e) => [e.action, e.outcome, e.reason ?? ''])).toEqual([
      ['issue', 'success', ''],
      ['authorize', 'allow', ''],
      ['authorize', 'deny', 'scope_mismatch:runId'],
      ['regenerate', 'success', ''],
      ['authorize', 'deny', 'revoked'],
      ['revoke', 'success', ''],
    ]);
    expect(audit.events[0]).toMatchObject({ component: 'access-keys', actor: 'tester', keyId: first.info.id, scope: SCOPE });
    const { readFileSync } = await import('node:fs');
    const digest = JSON.parse(readFileSync(join(dir, 'access-keys', `${first.info.id}.json`), 'utf8')).record.digest as string;
    for (const secret of [first.key, second.key, digest]) expectNoLeak(audit.lines, secret);
    expect(audit.events.some((e) => e.redacted)).toBe(false);
  });

  it('the redaction guard scrubs a key that reaches an event by mistake', async () => {
    const { keys, audit } = keysWith();
    const { key } = await keys.issue(SCOPE);
    audit.record({ time: 't', component: 'test', action: 'oops', outcome: 'failure', note: `presented ${key}`, token: 'abc' });
    expectNoLeak(audit.lines, key);
    expect(audit.events.at(-1)).toMatchObject({ note: 'presented [REDACTED]', token: '[REDACTED]', redacted: true });
  });
});
