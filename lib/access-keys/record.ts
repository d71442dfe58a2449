import type { AccessKeyScope } from './scope';

export type StoredStatus = 'active' | 'revoked';
/** `expired` is never stored: it follows from `expiresAt` and the clock. */
export type AccessKeyStatus = StoredStatus | 'expired';

/** What is stored for a key: metadata and a digest, never the key. */
export interface AccessKeyRecord {
  readonly id: string;
  readonly scope: AccessKeyScope;
  readonly status: StoredStatus;
  /** ISO 8601 UTC. */
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly revokedAt?: string;
  /** `revoked` (by request) or `regenerated` (replaced by `replacedBy`). */
  readonly revokedReason?: 'revoked' | 'regenerated';
  readonly replaces?: string;
  readonly replacedBy?: string;
  /** Updated on successful authorisation, best effort. */
  readonly lastUsedAt?: string;
  readonly digestAlgorithm: string;
  /** Hex HMAC-SHA256 of the key (see digest.ts). */
  readonly digest: string;
}

/** A record as shown to people and tools: no digest, with the effective status. */
export interface AccessKeyInfo extends Omit<AccessKeyRecord, 'digest' | 'digestAlgorithm' | 'status'> {
  readonly status: AccessKeyStatus;
}

export function effectiveStatus(record: AccessKeyRecord, now: Date): AccessKeyStatus {
  if (record.status === 'revoked') return 'revoked';
  return now.getTime() >= Date.parse(record.expiresAt) ? 'expired' : 'active';
}

export function publicInfo(record: AccessKeyRecord, now: Date): AccessKeyInfo {
  const { digest: _d, digestAlgorithm: _a, status: _s, ...rest } = record;
  return { ...rest, status: effectiveStatus(record, now) };
}
