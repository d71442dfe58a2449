import type { AuditEvent, AuditSink } from '../audit/audit-log';
import { ExitCode, UserError } from '../errors';
import { DIGEST_ALGORITHM, digestKeyFromSeed, digestMatches, digestOf, DigestKey } from './digest';
import { ACCESS_KEY_PATTERN, accessKeyId, generateAccessKey, isAccessKeyId, quoteForMessage } from './key-format';
import { AccessKeyInfo, AccessKeyRecord, effectiveStatus, publicInfo } from './record';
import { AccessKeyScope, checkScope, firstScopeMismatch, SCOPE_FIELDS, ScopeField } from './scope';
import { AccessKeyStore, updateRecord } from './store';
import { DEFAULT_MAX_TTL, DEFAULT_TTL, resolveTtl, TtlPolicy, ttlPolicy } from '../catalog/access-key-ttl';

export type DenyReason = 'missing_key' | 'malformed' | 'unknown_key' | 'revoked' | 'expired' | `scope_mismatch:${ScopeField}`;

/** The outcome of an authorisation: never carries the key. */
export type AuthorizeDecision =
  | { readonly allow: true; readonly keyId: string; readonly scope: AccessKeyScope }
  | { readonly allow: false; readonly reason: DenyReason; readonly keyId?: string };

export interface AccessKeysOptions {
  readonly store: AccessKeyStore;
  /** `SECRETOPS_SEED`: the HMAC key for digests is derived from it. */
  readonly seed: string | Buffer;
  readonly audit: AuditSink;
  /** Issue TTLs. @default { defaultMs: 1h, maxMs: 24h } (catalog `spec.accessKeys`) */
  readonly ttl?: TtlPolicy;
  /** Who acts, recorded in audit events. */
  readonly actor?: string;
  /** Injected for tests. @default () => new Date() */
  readonly clock?: () => Date;
}

export interface IssuedAccessKey {
  /** The plaintext key: shown once, to be handed to the run and then forgotten. */
  readonly key: string;
  readonly info: AccessKeyInfo;
}

/**
 * Run-scoped access keys: issue, regenerate, revoke, status and authorisation over a store. Every
 * issue, regenerate, revoke, authorisation and denial is an audit event with the key id and scope,
 * never the key or its digest.
 */
export class AccessKeys {
  private readonly store: AccessKeyStore;
  private readonly digestKey: DigestKey;
  private readonly audit: AuditSink;
  private readonly ttl: TtlPolicy;
  private readonly actor?: string;
  private readonly clock: () => Date;

  constructor(opts: AccessKeysOptions) {
    this.store = opts.store;
    this.digestKey = digestKeyFromSeed(opts.seed);
    this.audit = opts.audit;
    this.ttl = opts.ttl ?? ttlPolicy({ defaultTtl: DEFAULT_TTL, maxTtl: DEFAULT_MAX_TTL });
    this.actor = opts.actor;
    this.clock = opts.clock ?? (() => new Date());
    opts.audit.guard?.addPattern(ACCESS_KEY_PATTERN);
  }

  /** Issues a key bound to `scope`. `ttl` is a duration (`30m`); default and maximum come from the policy. */
  async issue(scope: AccessKeyScope, opts: { ttl?: string; replaces?: string } = {}): Promise<IssuedAccessKey> {
    const checked = checkScope(scope);
    const ttlMs = resolveTtl(opts.ttl, this.ttl);
    const now = this.clock();
    const { id, plaintext } = generateAccessKey();
    const record: AccessKeyRecord = {
      id,
      scope: checked,
      status: 'active',
      issuedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
      ...(opts.replaces ? { replaces: opts.replaces } : {}),
      digestAlgorithm: DIGEST_ALGORITHM,
      digest: digestOf(this.digestKey, plaintext).toString('hex'),
    };
    await this.store.create(record);
    this.record(opts.replaces ? 'regenerate' : 'issue', 'success', record, { expiresAt: record.expiresAt, ...(opts.replaces ? { replaces: opts.replaces } : {}) });
    return { key: plaintext, info: publicInfo(record, now) };
  }

  /**
   * Replaces a key: the old one is revoked first (so a failure never leaves two live keys), then a
   * new one with the same scope and a fresh TTL is issued.
   */
  async regenerate(id: string, opts: { ttl?: string } = {}): Promise<IssuedAccessKey> {
    const current = await this.require(id);
    const alreadyRevoked = () => new UserError({ message: `access key ${id} is revoked and cannot be regenerated`, hint: 'issue a new key for the run instead' });
    if (current.status === 'revoked') throw alreadyRevoked();
    resolveTtl(opts.ttl, this.ttl); // refuse a bad TTL before revoking anything
    const now = this.clock().toISOString();
    // Checked again on the latest record: of two concurrent regenerations, only one may issue.
    await updateRecord(this.store, id, (r) => {
      if (r.status === 'revoked') throw alreadyRevoked();
      return { ...r, status: 'revoked', revokedAt: now, revokedReason: 'regenerated' };
    });
    const issued = await this.issue(current.scope, { ...opts, replaces: id });
    await updateRecord(this.store, id, (r) => ({ ...r, replacedBy: issued.info.id }));
    return issued;
  }

  /** Revokes a key. Revoking a revoked key changes nothing and is still audited. */
  async revoke(id: string): Promise<AccessKeyInfo> {
    await this.require(id);
    const now = this.clock();
    const updated = await updateRecord(this.store, id, (r) =>
      r.status === 'revoked' ? undefined : { ...r, status: 'revoked', revokedAt: now.toISOString(), revokedReason: 'revoked' },
    );
    if (!updated) throw this.notFound(id);
    this.record('revoke', 'success', updated, {});
    return publicInfo(updated, now);
  }

  /** Revokes every active or expired key of a run; returns what was revoked. */
  async revokeRun(runId: string): Promise<AccessKeyInfo[]> {
    const out: AccessKeyInfo[] = [];
    for (const r of await this.store.list({ runId })) if (r.status !== 'revoked') out.push(await this.revoke(r.id));
    return out;
  }

  async status(id: string): Promise<AccessKeyInfo> {
    return publicInfo(await this.require(id), this.clock());
  }

  async list(filter: { runId?: string } = {}): Promise<AccessKeyInfo[]> {
    const now = this.clock();
    return (await this.store.list(filter)).map((r) => publicInfo(r, now));
  }

  /**
   * Decides whether `key` may act for `request`: the key must exist, be active, not be expired, and
   * match every scope field. Constant time where it matters: the presented key is always hashed and
   * compared with `timingSafeEqual` against a fixed-length digest (a random one when there is no
   * record), and the lookup is by id, never by a prefix of the secret. On success the last-used
   * time is updated, best effort.
   */
  async authorizeByKey(key: string | undefined, request: Partial<AccessKeyScope>): Promise<AuthorizeDecision> {
    const decision = await this.decide(key, request);
    const fields = { keyId: decision.keyId, request: pickScope(request) };
    if (decision.allow) this.audit.record(this.event('authorize', 'allow', { ...fields }));
    else this.audit.record(this.event('authorize', 'deny', { reason: decision.reason, ...fields }));
    return decision;
  }

  private async decide(key: string | undefined, request: Partial<AccessKeyScope>): Promise<AuthorizeDecision> {
    if (key === undefined || key === '') return { allow: false, reason: 'missing_key' };
    const id = accessKeyId(key);
    const computed = digestOf(this.digestKey, key);
    const stored = id ? await this.store.read(id) : undefined;
    const matches = digestMatches(computed, stored?.record.digest);
    if (!id) return { allow: false, reason: 'malformed' };
    if (!stored || !matches) return { allow: false, reason: 'unknown_key' };
    const record = stored.record;
    const now = this.clock();
    const status = effectiveStatus(record, now);
    if (status !== 'active') return { allow: false, reason: status, keyId: id };
    const field = firstScopeMismatch(record.scope, request);
    if (field) return { allow: false, reason: `scope_mismatch:${field}`, keyId: id };
    await this.touch(id, now);
    return { allow: true, keyId: id, scope: record.scope };
  }

  /** Last-used time: conflict-safe through updateRecord; failures never deny a valid key. */
  private async touch(id: string, now: Date): Promise<void> {
    const at = now.toISOString();
    try {
      await updateRecord(this.store, id, (r) => (r.lastUsedAt && r.lastUsedAt >= at ? undefined : { ...r, lastUsedAt: at }));
    } catch {
      // Best effort by design: the decision stands.
    }
  }

  private async require(id: string): Promise<AccessKeyRecord> {
    if (!isAccessKeyId(id)) {
      throw new UserError({ message: `${quoteForMessage(id)} is not an access key id (16 hex characters)`, hint: 'take the id from `secretops access-key status` (a key sok_<id>_… carries it after the prefix)' }, ExitCode.usage);
    }
    const found = await this.store.read(id);
    if (!found) throw this.notFound(id);
    return found.record;
  }

  private notFound(id: string): UserError {
    return new UserError({ message: `access key ${id} not found in ${this.store.description}`, hint: 'check the id and the store (--store, --namespace, --state-dir)' });
  }

  private record(action: string, outcome: string, record: AccessKeyRecord, extra: Record<string, unknown>): void {
    this.audit.record(this.event(action, outcome, { keyId: record.id, scope: record.scope, ...extra }));
  }

  private event(action: string, outcome: string, fields: Record<string, unknown>): AuditEvent {
    const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    return { time: this.clock().toISOString(), component: 'access-keys', action, outcome, ...(this.actor ? { actor: this.actor } : {}), ...clean };
  }
}

/** Only the scope fields of a request, as strings (a request may carry other data). */
function pickScope(request: Partial<AccessKeyScope>): Partial<AccessKeyScope> {
  const out: Record<string, string> = {};
  for (const field of SCOPE_FIELDS) {
    const v = request[field];
    if (typeof v === 'string') out[field] = v.slice(0, 100);
  }
  return out;
}
