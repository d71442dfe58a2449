import { beforeEach, describe, expect, it, vi } from 'vitest';

// Spy on the comparison the implementation imports, keeping the real behaviour.
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, timingSafeEqual: vi.fn(real.timingSafeEqual) };
});

import { timingSafeEqual } from 'node:crypto';
import { DIGEST_BYTES } from '../../lib/access-keys/digest';
import type { VersionedRecord } from '../../lib/access-keys/store';
import { keysWith, SCOPE } from './helpers';

const spy = vi.mocked(timingSafeEqual);

describe('constant-time comparison', () => {
  beforeEach(() => {
    spy.mockClear();
  });

  /** Every call compares two buffers of the fixed digest length. */
  const expectFixedLengthCalls = (n: number) => {
    expect(spy).toHaveBeenCalledTimes(n);
    for (const [a, b] of spy.mock.calls) {
      expect((a as Buffer).length).toBe(DIGEST_BYTES);
      expect((b as Buffer).length).toBe(DIGEST_BYTES);
    }
  };

  it('compares fixed-length digests with timingSafeEqual for right, wrong, unknown and malformed keys', async () => {
    const { keys } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    spy.mockClear();

    await keys.authorizeByKey(key, SCOPE);
    expectFixedLengthCalls(1);
    spy.mockClear();

    // Same id and all but the last character of the secret: still one full digest comparison.
    await keys.authorizeByKey(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A'), SCOPE);
    expectFixedLengthCalls(1);
    spy.mockClear();

    // An id with no record is compared against a stand-in digest, not skipped.
    await keys.authorizeByKey(key.replace(info.id, 'ffffffffffffffff'), SCOPE);
    expectFixedLengthCalls(1);
    spy.mockClear();

    await keys.authorizeByKey('sok_short', SCOPE);
    await keys.authorizeByKey('x'.repeat(10_000), SCOPE);
    expectFixedLengthCalls(2);
  });

  it('looks a key up by its id only, never by a prefix of its secret', async () => {
    const { keys, store } = keysWith();
    const { key, info } = await keys.issue(SCOPE);
    const reads: string[] = [];
    const read = store.read.bind(store);
    store.read = async (id: string): Promise<VersionedRecord | undefined> => {
      reads.push(id);
      return read(id);
    };
    const list = vi.spyOn(store, 'list');
    const secretPart = key.slice(`sok_${info.id}_`.length);
    await keys.authorizeByKey(`sok_${info.id}_${'A'.repeat(secretPart.length)}`, SCOPE);
    await keys.authorizeByKey(key, SCOPE);
    expect(reads.every((id) => id === info.id)).toBe(true);
    expect(list).not.toHaveBeenCalled();
  });
});
