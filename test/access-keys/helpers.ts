import { MemoryAuditLog } from '../../lib/audit/audit-log';
import { AccessKeys } from '../../lib/access-keys/access-keys';
import { FileAccessKeyStore } from '../../lib/access-keys/file-store';
import type { AccessKeyStore } from '../../lib/access-keys/store';
import type { AccessKeyScope } from '../../lib/access-keys/scope';
import { tempDir } from '../support/tmp';

export const SEED = 'test-seed-0123456789abcdef0123456789';

export const SCOPE: AccessKeyScope = { runId: 'run-42', projectId: 'ameide', namespace: 'ai-slot-1', environment: 'ai', runtimeMode: 'agent' };

/** A settable clock starting at a fixed instant. */
export function testClock(start = '2026-01-01T00:00:00.000Z') {
  let now = Date.parse(start);
  return { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
}

export function keysWith(opts: { store?: AccessKeyStore; clock?: () => Date } = {}) {
  const audit = new MemoryAuditLog();
  const store = opts.store ?? new FileAccessKeyStore(tempDir());
  const keys = new AccessKeys({ store, seed: SEED, audit, clock: opts.clock, actor: 'tester', ttl: { defaultMs: 3_600_000, maxMs: 12 * 3_600_000 } });
  return { keys, audit, store };
}
