import { UserError } from '../errors';
import type { AuditInput, AuditLog } from './audit';
import type { ApprovalDecision, ApprovalRequest, Approver } from './approver';
import type { GithubSecrets } from './github';
import type { KubernetesSecrets } from './kubernetes';
import type { Ledger, LedgerEntry } from './ledger';
import type { PlannedKey, SyncPlan } from './plan';
import { Destination, destinationId } from './target';
import { deterministicValue, fingerprint, randomValue } from './values';

export type TargetResult = 'created' | 'updated' | 'unchanged' | 'idempotent_replay' | 'failed' | 'denied' | 'pending' | 'timeout' | 'cancelled';

/** What happened to one destination of one key. Names only. */
export interface TargetOutcome {
  readonly target: string;
  readonly destination: 'github' | 'kubernetes';
  readonly secret: string;
  readonly key: string;
  readonly targetKey: string;
  readonly result: TargetResult;
  readonly reason: string;
}

export interface SyncOutcome {
  /** `ok`: every target holds its value; `failed`: some write failed; `denied`/`pending`/`timeout`: approval. */
  readonly status: 'ok' | 'failed' | 'denied' | 'pending' | 'timeout' | 'cancelled';
  readonly idempotencyKey: string;
  readonly outcomes: readonly TargetOutcome[];
  readonly approval?: ApprovalDecision;
  /** True when nothing needed writing because this idempotency key already did it. */
  readonly reused: boolean;
}

export interface SyncDeps {
  readonly github?: GithubSecrets;
  readonly kubernetes?: KubernetesSecrets;
  readonly ledger: Ledger;
  /** Key for the ledger's value fingerprints. */
  readonly fingerprintKey: string;
  /** Key for the value digests an approval request is bound to (never the ledger's key). */
  readonly approvalKey: string;
  readonly audit: AuditLog;
  readonly approver: Approver;
  /** Set for the deterministic policy. */
  readonly seed?: string;
  /** Set for the provided policy. */
  readonly provided?: string;
  /** Asked before writing where no approval is required (`--yes` or a terminal prompt); false cancels. */
  readonly confirm?: (writes: ApprovalRequest['writes']) => Promise<boolean>;
  /** false: return `pending` instead of waiting for the approver (MCP). @default true */
  readonly waitForApproval?: boolean;
  readonly now?: () => Date;
}

interface Decision {
  readonly key: PlannedKey;
  readonly dest: Destination;
  readonly target: string;
  readonly write: boolean;
  /** Whether the target existed when inspected (GitHub counts only new names against its limit). */
  readonly present?: boolean;
  readonly result?: TargetResult;
  readonly reason: string;
}

/**
 * Runs a plan: inspects every target (no writes), asks for approval when any write is needed and
 * the environment requires it, then writes what differs. Each step is audited; a failed target
 * does not stop the others, and the next run converges because every target is compared again.
 */
export async function executeSync(plan: SyncPlan, deps: SyncDeps): Promise<SyncOutcome> {
  const run = openRun(plan, deps);
  run.audit({ event: 'request', result: 'received', reason: `${plan.keys.reduce((n, k) => n + k.destinations.length, 0)} target(s), approval ${plan.approval.required ? 'required' : 'not required'}` });

  // 1. Inspect: decide per target, reading only.
  const values = new Map<PlannedKey, string>();
  const writes = await inspectAll(run, values);
  const reused = writes.length === 0 && run.outcomes.length > 0 && run.outcomes.every((o) => o.result === 'idempotent_replay');
  const finish = (status: SyncOutcome['status'], approval?: ApprovalDecision): SyncOutcome => ({
    status: status === 'ok' && run.outcomes.some((o) => o.result === 'failed') ? 'failed' : status,
    idempotencyKey: plan.idempotencyKey,
    outcomes: run.outcomes,
    reused,
    ...(approval ? { approval } : {}),
  });
  if (writes.length === 0) return finish('ok');

  // 2. Approve (or confirm) once for every write of the run.
  const request = approvalRequest(plan, writes, values, deps.approvalKey);
  const gate = await approveWrites(run, request, writes);
  if (gate.stopped) return finish(gate.stopped, gate.approval);

  // 3. Write.
  await writeAll(run, writes, values);
  if (gate.approval) deps.approver.consume(request);
  return finish('ok', gate.approval);
}

/** What the phases of one run share: the plan, its dependencies, the audit and the outcomes so far. */
interface Run {
  readonly plan: SyncPlan;
  readonly deps: SyncDeps;
  readonly outcomes: TargetOutcome[];
  audit(rec: Omit<AuditInput, 'operation' | 'project' | 'repository' | 'environment' | 'policy' | 'idempotencyKey'>): void;
  keyAudit(k: PlannedKey): AuditInput['key'];
  outcome(d: Decision, result: TargetResult, reason: string): TargetOutcome;
}

function openRun(plan: SyncPlan, deps: SyncDeps): Run {
  const base = { operation: plan.operation, project: plan.project, ...(plan.repository ? { repository: plan.repository } : {}), environment: plan.instance ?? plan.environment, policy: plan.policy, idempotencyKey: plan.idempotencyKey };
  const outcomes: TargetOutcome[] = [];
  return {
    plan,
    deps,
    outcomes,
    audit: (rec) => deps.audit.record({ ...base, ...rec }),
    keyAudit: (k) => ({
      ...(k.service ? { service: k.service } : {}),
      secretName: k.secret,
      key: k.key,
      targetKey: k.targetKey,
      targetTier: k.targetTier,
      ...(k.rule ? { rule: k.rule } : {}),
      ...(k.resolution ? { tried: k.resolution.tried, winner: k.resolution.winner } : {}),
    }),
    outcome: (d, result, reason) => {
      const o: TargetOutcome = { target: d.target, destination: d.dest.kind, secret: d.key.secret, key: d.key.key, targetKey: d.key.targetKey, result, reason };
      outcomes.push(o);
      return o;
    },
  };
}

/** Decides every target by reading only; records the targets that need no write, returns those that do. */
async function inspectAll(run: Run, values: Map<PlannedKey, string>): Promise<Decision[]> {
  const { plan, deps, audit, keyAudit, outcome } = run;
  const decisions: Decision[] = [];
  for (const key of plan.keys) {
    for (const e of key.excluded) audit({ event: 'skip', result: 'excluded', reason: `${e.destination}: ${e.reason}`, key: keyAudit(key) });
    if (key.destinations.length === 0) continue;
    try {
      decisions.push(...(await inspectKey(plan, key, deps, values)));
    } catch (err) {
      // Anything that throws outside a target's own read (deriving or guarding the value, a bug)
      // fails this key alone, every destination with the same reason; the other keys go on and
      // the run ends `failed`. The reason names the error's type only, never its text.
      values.delete(key);
      const reason = safeReason(err);
      decisions.push(...key.destinations.map((dest): Decision => ({ key, dest, target: destinationId(dest), write: false, result: 'failed', reason })));
    }
  }
  // A target that could not be inspected fails alone, with its own reason; its siblings go on.
  for (const d of decisions.filter((x) => !x.write && x.result === 'failed')) {
    outcome(d, 'failed', d.reason);
    audit({ event: 'failure', target: d.target, result: 'failed', reason: d.reason, key: keyAudit(d.key) });
  }
  for (const d of decisions.filter((x) => !x.write && x.result !== 'failed')) {
    outcome(d, d.result!, d.reason);
    audit({ event: 'skip', target: d.target, result: d.result!, reason: d.reason, key: keyAudit(d.key) });
  }
  return decisions.filter((d) => d.write);
}

function approvalRequest(plan: SyncPlan, writes: readonly Decision[], values: ReadonlyMap<PlannedKey, string>, approvalKey: string): ApprovalRequest {
  return {
    apiVersion: 'secretops.dev/v1alpha1',
    kind: 'SyncApprovalRequest',
    idempotencyKey: plan.idempotencyKey,
    operation: plan.operation,
    project: plan.project,
    ...(plan.repository ? { repository: plan.repository } : {}),
    environment: plan.instance ?? plan.environment,
    policy: plan.policy,
    requiredBy: plan.approval.reasons,
    // Bound to what is written: a keyed digest of each value (never the value), so an approval
    // of one value cannot be used to write another under the same idempotency key. `random`
    // values are chosen by secretops after approval, so the approval covers "a fresh value".
    writes: writes.map((w) => {
      const value = values.get(w.key);
      return { target: w.target, reason: w.reason, ...(value !== undefined ? { valueDigest: fingerprint(approvalKey, value) } : {}) };
    }),
  };
}

/** Asks the approver (or the operator) once; `stopped` when the writes must not happen. */
async function approveWrites(run: Run, request: ApprovalRequest, writes: readonly Decision[]): Promise<{ approval?: ApprovalDecision; stopped?: 'pending' | 'denied' | 'timeout' | 'cancelled' }> {
  const { plan, deps, audit, keyAudit, outcome } = run;
  if (plan.approval.required) {
    let approval: ApprovalDecision;
    try {
      approval = await deps.approver.decide(request, { wait: deps.waitForApproval ?? true });
    } catch (err) {
      audit({ event: 'failure', result: 'approval_failed', reason: safeReason(err) });
      throw err;
    }
    audit({ event: 'approval', result: approval.status, reason: [`via ${approval.via}`, approval.id && `request ${approval.id}`, approval.approver && `by ${approval.approver}`, approval.reason].filter(Boolean).join(', ') });
    if (approval.status === 'approved') return { approval };
    // A timeout is reported as such: nobody said no.
    const result: TargetResult = approval.status;
    for (const w of writes) {
      outcome(w, result, `approval ${approval.status}; not written`);
      audit({ event: 'skip', target: w.target, result, reason: `approval ${approval.status}`, key: keyAudit(w.key) });
    }
    return { approval, stopped: approval.status };
  }
  if (deps.confirm && !(await deps.confirm(request.writes))) {
    for (const w of writes) {
      outcome(w, 'cancelled', 'not confirmed; not written');
      audit({ event: 'skip', target: w.target, result: 'cancelled', reason: 'not confirmed', key: keyAudit(w.key) });
    }
    return { stopped: 'cancelled' };
  }
  return {};
}

/** Writes every approved target; a failed target is recorded and the others still written. */
async function writeAll(run: Run, writes: readonly Decision[], values: Map<PlannedKey, string>): Promise<void> {
  const { plan, deps, audit, keyAudit, outcome } = run;
  for (const w of writes) {
    let value = values.get(w.key);
    if (value === undefined) {
      value = randomValue();
      values.set(w.key, value);
      deps.audit.forbid(value);
    }
    try {
      let result: TargetResult;
      let keyId: string | undefined;
      if (w.dest.kind === 'github') {
        const gh = deps.github!;
        result = await gh.write(w.dest, value, w.present ?? true);
        keyId = (await gh.publicKey(w.dest)).keyId;
      } else {
        result = await deps.kubernetes!.writeKey(w.dest, value, plan.environment);
      }
      deps.ledger.put({ target: w.target, valueFingerprint: fingerprint(deps.fingerprintKey, value), ...(keyId ? { keyId } : {}), idempotencyKey: plan.idempotencyKey, policy: plan.policy, ...(plan.instance ? { instance: plan.instance } : {}), environment: plan.environment, writtenAt: (deps.now?.() ?? new Date()).toISOString() });
      outcome(w, result, w.reason);
      audit({ event: 'write', target: w.target, result, reason: w.reason, key: keyAudit(w.key) });
    } catch (err) {
      const reason = safeReason(err);
      outcome(w, 'failed', reason);
      audit({ event: 'failure', target: w.target, result: 'failed', reason, key: keyAudit(w.key) });
    }
  }
}

/** Decides, per destination of one key, whether it must be written and why. Reads only. */
async function inspectKey(plan: SyncPlan, key: PlannedKey, deps: SyncDeps, values: Map<PlannedKey, string>): Promise<Decision[]> {
  const fp = (v: string) => fingerprint(deps.fingerprintKey, v);
  const value = plan.policy === 'deterministic' ? deterministicValue(deps.seed!, key.subject) : plan.policy === 'provided' ? deps.provided! : undefined;
  if (value !== undefined) {
    values.set(key, value);
    deps.audit.forbid(value);
  }

  type State = { dest: Destination; target: string; live: 'absent' | 'present'; liveFingerprint?: string; keyId?: string; owned?: boolean; entry?: LedgerEntry };
  const states: State[] = [];
  // A target that cannot be read (its ledger file, its Secret, its GitHub secret) fails alone.
  const failed: Decision[] = [];
  for (const dest of key.destinations) {
    const target = destinationId(dest);
    try {
      const entry = deps.ledger.get(target);
      const known = entry ? { entry } : {};
      if (dest.kind === 'github') {
        const exists = await deps.github!.exists(dest);
        states.push({ dest, target, live: exists ? 'present' : 'absent', ...(exists ? { keyId: (await deps.github!.publicKey(dest)).keyId } : {}), ...known });
      } else {
        const secret = await deps.kubernetes!.read(dest.namespace, dest.secret);
        const b64 = secret?.data?.[dest.key];
        const owned = (secret?.metadata?.annotations?.['secretops.dev/owned-keys'] ?? '').split(',').includes(dest.key);
        states.push({ dest, target, live: b64 === undefined ? 'absent' : 'present', ...(b64 !== undefined ? { liveFingerprint: fp(Buffer.from(b64, 'base64').toString('utf8')) } : {}), owned, ...known });
      }
    } catch (err) {
      failed.push({ key, dest, target, write: false, result: 'failed', reason: safeReason(err) });
    }
  }

  const ledgerMatches = (s: State, want?: string) => {
    const entry = s.entry;
    if (!entry || s.live === 'absent') return undefined;
    if (s.dest.kind === 'github') {
      if (entry.keyId !== s.keyId) return undefined;
      if (want !== undefined && entry.valueFingerprint !== want) return undefined;
    } else if (s.liveFingerprint !== entry.valueFingerprint || (want !== undefined && entry.valueFingerprint !== want)) return undefined;
    return entry;
  };

  // Every slot of an environment shares its GitHub secrets. A deterministic value is the same for
  // every slot; a random or provided one from this slot would change, under another slot, the value
  // that slot wrote and its own Secret still holds. The key is refused, not half written.
  const sharedWith = plan.policy === 'deterministic' || !plan.instance ? undefined : states.find((s) => s.dest.kind === 'github' && s.live === 'present' && s.entry?.instance && s.entry.instance !== plan.instance);
  if (sharedWith) {
    const reason = `${sharedWith.target} is shared by every slot of ${plan.environment} and holds the value ${sharedWith.entry!.instance} wrote; a ${plan.policy} value from ${plan.instance} would change it under ${sharedWith.entry!.instance} (use --policy deterministic, or --to kubernetes for this slot)`;
    return [...failed, ...states.map((s): Decision => ({ key, dest: s.dest, target: s.target, write: false, result: 'failed', reason }))];
  }

  // A repository secret is one value for every environment. The plan refuses the policies whose
  // values differ by environment (github-names.ts: refuseSharedRepositorySecrets); a value from
  // another environment than the one that wrote it passes only when it is that same value (the
  // ledger's fingerprint: then nothing is written), else the key is refused, not half written.
  const otherEnvironment = states.find(
    (s) => s.dest.kind === 'github' && s.dest.scope === 'repository' && s.live === 'present' && s.entry?.environment !== undefined && s.entry.environment !== plan.environment && (value === undefined || s.entry.valueFingerprint !== fp(value)),
  );
  if (otherEnvironment) {
    const writer = otherEnvironment.entry!.environment!;
    const reason = `${otherEnvironment.target} is a repository secret that ${writer} wrote with another value; a ${plan.policy} value from ${plan.environment} would change it under ${writer} (sync the same value from every environment, or give ${key.secret} a GitHub environment by removing github.scope: repository; docs/sync.md, "Repository secrets")`;
    return [...failed, ...states.map((s): Decision => ({ key, dest: s.dest, target: s.target, write: false, result: 'failed', reason }))];
  }

  if (value === undefined) {
    // random: a replay only when every target still holds what this idempotency key wrote;
    // otherwise one fresh value goes to every target, so they never disagree.
    const entries = states.map((s) => ledgerMatches(s));
    const replay = failed.length === 0 && entries.every((e) => e && e.idempotencyKey === plan.idempotencyKey);
    return [...failed, ...states.map((s) =>
      replay
        ? { key, dest: s.dest, target: s.target, write: false, result: 'idempotent_replay' as const, reason: 'this idempotency key already wrote this target' }
        : { key, dest: s.dest, target: s.target, write: true, present: s.live === 'present', reason: s.live === 'absent' ? absentReason(s.dest) : 'random policy: new value for every target of the key' },
    )];
  }

  const want = fp(value);
  return [...failed, ...states.map((s): Decision => {
    const entry = ledgerMatches(s, want);
    const same = s.dest.kind === 'github' ? entry !== undefined : s.liveFingerprint === want;
    if (s.live === 'absent') return { key, dest: s.dest, target: s.target, write: true, present: false, reason: absentReason(s.dest) };
    if (same && (s.dest.kind === 'github' || s.owned)) {
      const replay = entry?.idempotencyKey === plan.idempotencyKey;
      return { key, dest: s.dest, target: s.target, write: false, result: replay ? 'idempotent_replay' : 'unchanged', reason: replay ? 'this idempotency key already wrote this value' : 'already holds this value' };
    }
    if (same) return { key, dest: s.dest, target: s.target, write: true, reason: 'holds this value; marking the key as owned by secretops' };
    if (s.dest.kind === 'github') {
      const known = s.entry;
      return { key, dest: s.dest, target: s.target, write: true, reason: !known ? 'present on GitHub but not in the ledger' : known.keyId !== s.keyId ? 'GitHub public key changed since the last write' : 'value changed' };
    }
    return { key, dest: s.dest, target: s.target, write: true, reason: 'value differs' };
  })];
}

function absentReason(d: Destination): string {
  return d.kind === 'github' ? 'absent on GitHub' : 'absent in the Secret';
}

/** Errors secretops built carry names only; anything else is reported by its type alone. */
export function safeReason(err: unknown): string {
  if (err instanceof UserError) return err.diagnostics.map((d) => (d.file ? `${d.file}: ${d.message}${d.hint ? ` (${d.hint})` : ''}` : d.message)).join('; ');
  if (err instanceof Error && (err.name === 'GithubError' || err.name === 'KubernetesError')) return err.message;
  return `internal error (${err instanceof Error ? err.name : typeof err})`;
}
