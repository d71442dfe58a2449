import type { PlannedKey, SyncPlan } from './plan';
import type { SyncOutcome } from './run';
import { destinationId } from './target';

/** The dry-run plan: what would be written where, and why. Names only. */
export function planToText(plan: SyncPlan, ledgerState: (key: PlannedKey, target: string) => string): string {
  const lines = [
    `sync plan for ${plan.project} environment ${plan.instance ?? plan.environment} (policy ${plan.policy}, idempotency key ${plan.idempotencyKey})`,
    `approval: ${plan.approval.required ? `required (${plan.approval.reasons.join('; ')})` : 'not required'}`,
  ];
  for (const k of plan.keys) {
    const why = k.targetKey === k.key ? `key ${k.key}` : `key ${k.key} written as ${k.targetKey} (${k.targetTier} ${k.rule ?? ''})`.replace(' )', ')');
    lines.push(`${k.service ? `${k.service}/` : ''}${k.secret}: ${why}, ${k.level ?? 'explicit'}-level`);
    for (const d of k.destinations) lines.push(`  would write ${destinationId(d)} (${ledgerState(k, destinationId(d))})`);
    for (const e of k.excluded) lines.push(`  skip ${e.destination}: ${e.reason}`);
  }
  lines.push('dry run: nothing was written');
  return lines.join('\n') + '\n';
}

/** One line per target: result, target, reason. */
export function outcomeToText(o: SyncOutcome): string {
  const lines = o.outcomes.map((t) => `${t.result.padEnd(17)} ${t.target}  ${t.reason}`);
  lines.push(`sync ${o.status}${o.reused ? ' (idempotent_replay)' : ''}: ${o.outcomes.length} target(s), idempotency key ${o.idempotencyKey}`);
  return lines.join('\n') + '\n';
}
