import { describe, expect, it } from 'vitest';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileAccessKeyStore } from '../../lib/access-keys/file-store';
import { updateRecord } from '../../lib/access-keys/store';
import { tempDir } from '../support/tmp';
import { keysWith, SCOPE } from './helpers';

describe('file store', () => {
  it('refuses a stale replace and a write while another writer holds the lock; leaves no temp files', async () => {
    const dir = tempDir();
    const store = new FileAccessKeyStore(dir);
    const { keys } = keysWith({ store });
    const { info } = await keys.issue(SCOPE);
    const v1 = (await store.read(info.id))!;
    expect(await store.replace({ ...v1.record, lastUsedAt: 'a' }, v1.version)).toBe('ok');
    expect(await store.replace({ ...v1.record, lastUsedAt: 'b' }, v1.version)).toBe('conflict');

    const v2 = (await store.read(info.id))!;
    const lock = join(dir, 'access-keys', `${info.id}.json.lock`);
    writeFileSync(lock, '');
    expect(await store.replace({ ...v2.record, lastUsedAt: 'c' }, v2.version)).toBe('conflict');
    // A lock left by a crashed writer is taken over. Its age is measured on the filesystem's clock,
    // so the test ages it from its own mtime, not from this process's (possibly faked) clock.
    const old = new Date(statSync(lock).mtimeMs - 60_000);
    utimesSync(lock, old, old);
    expect(await store.replace({ ...v2.record, lastUsedAt: 'c' }, v2.version)).toBe('ok');
    expect(readdirSync(join(dir, 'access-keys'))).toEqual([`${info.id}.json`]);
  });

  it('concurrent updates through updateRecord all land', async () => {
    const store = new FileAccessKeyStore(tempDir());
    const { keys } = keysWith({ store });
    const { info } = await keys.issue(SCOPE);
    await Promise.all([
      updateRecord(store, info.id, (r) => ({ ...r, lastUsedAt: '2026-01-01T00:00:01.000Z' })),
      keys.revoke(info.id),
    ]);
    expect(await keys.status(info.id)).toMatchObject({ status: 'revoked', lastUsedAt: '2026-01-01T00:00:01.000Z' });
  });

  it('ignores foreign files and unknown ids', async () => {
    const dir = tempDir();
    const store = new FileAccessKeyStore(dir);
    const { keys } = keysWith({ store });
    const { info } = await keys.issue(SCOPE);
    writeFileSync(join(dir, 'access-keys', 'notes.json'), '{}');
    expect((await store.list()).map((r) => r.id)).toEqual([info.id]);
    expect(await store.read('../../etc/passwd')).toBeUndefined();
  });
});
