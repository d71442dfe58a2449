import type { Ledger } from './ledger';
import type { PlannedKey, SyncPlan } from './plan';
import { deterministicValue, fingerprint } from './values';

/**
 * What the ledger knows about a target, for plans (no network): never written, would replay, same
 * value already there, or last written when and how. Compares values only when the policy makes
 * the value computable offline (deterministic with a seed).
 */
export function ledgerStatus(ledger: Ledger, plan: SyncPlan, key: PlannedKey, target: string, opts: { seed?: string; fingerprintKey: string }): string {
  const entry = ledger.get(target);
  if (!entry) return 'ledger: never written by secretops';
  if (opts.seed && plan.policy === 'deterministic') {
    if (entry.valueFingerprint === fingerprint(opts.fingerprintKey, deterministicValue(opts.seed, key.subject))) {
      return entry.idempotencyKey === plan.idempotencyKey ? 'ledger: same value, same idempotency key: would be an idempotent replay' : 'ledger: same value already written';
    }
    return `ledger: last written ${entry.writtenAt} with policy ${entry.policy}, value differs`;
  }
  if (plan.policy === 'random' && entry.idempotencyKey === plan.idempotencyKey) return 'ledger: written by this idempotency key: would be an idempotent replay if the target still holds it';
  return `ledger: last written ${entry.writtenAt} with policy ${entry.policy}`;
}
