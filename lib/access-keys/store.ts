import type { AccessKeyRecord } from './record';

/** A record with the store's opaque version for optimistic concurrency. */
export interface VersionedRecord {
  readonly record: AccessKeyRecord;
  readonly version: string;
}

/**
 * Persistence for key records. Implementations: the Kubernetes store (one Secret per key in the
 * run's namespace) and the file store (development). Both refuse a stale `replace` with
 * `'conflict'` so concurrent writers (revoke racing a last-used update) never lose a change.
 */
export interface AccessKeyStore {
  /** Human-readable location for messages, e.g. `kubernetes namespace ai-slot-1`. */
  readonly description: string;
  create(record: AccessKeyRecord): Promise<void>;
  read(id: string): Promise<VersionedRecord | undefined>;
  replace(record: AccessKeyRecord, version: string): Promise<'ok' | 'conflict'>;
  /** Records, optionally of one run, sorted by issue time then id. */
  list(filter?: { readonly runId?: string }): Promise<AccessKeyRecord[]>;
}

const MAX_ATTEMPTS = 5;

/**
 * Read-modify-write with retry on conflict. `change` sees the latest record and returns the next one,
 * or undefined to leave it as it is. Resolves to the record as stored, or undefined when `id` is
 * unknown. Throws after MAX_ATTEMPTS consecutive conflicts.
 */
export async function updateRecord(
  store: AccessKeyStore,
  id: string,
  change: (current: AccessKeyRecord) => AccessKeyRecord | undefined,
): Promise<AccessKeyRecord | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await store.read(id);
    if (!current) return undefined;
    const next = change(current.record);
    if (!next) return current.record;
    if ((await store.replace(next, current.version)) === 'ok') return next;
  }
  throw new Error(`access key ${id}: ${MAX_ATTEMPTS} concurrent updates in a row conflicted`);
}

export function sortRecords(records: AccessKeyRecord[]): AccessKeyRecord[] {
  return records.sort((a, b) => a.issuedAt.localeCompare(b.issuedAt) || a.id.localeCompare(b.id));
}
