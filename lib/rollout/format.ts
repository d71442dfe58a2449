import type { Blocker, RolloutResult } from './simulate';

/** Formatters of a rollout simulation: pure functions of the result. */

export function rolloutToJson(result: RolloutResult): string {
  return JSON.stringify({ version: 1, ...result }, null, 2) + '\n';
}

export function rolloutToText(result: RolloutResult): string {
  const lines: string[] = [`rollout of cluster ${result.cluster} from empty`];
  for (const s of result.steps) {
    lines.push(`step ${s.step}  ${s.state.padEnd(8)} ${s.selector}  (${s.applications.length} application${s.applications.length === 1 ? '' : 's'})`);
    for (const a of s.applications) {
      if (a.state === 'Healthy' || a.state === 'Waiting') continue;
      lines.push(`  ${a.name}: ${a.state}${a.blockedBy ? `, at ${a.blockedBy.resource}: ${a.blockedBy.reason}` : ''}`);
      if (a.blockedBy?.manualStep) lines.push(`    ${toDo(a.blockedBy)}`);
    }
  }
  for (const name of result.unselected) lines.push(`not in any step (never synced by the rollout): ${name}`);
  const v = result.vault;
  lines.push(`vault: ${v.initialized ? 'initialized' : 'not initialized'}, ${v.sealed ? 'sealed' : 'unsealed'}, ${v.configured ? 'configured' : 'not configured'}`);
  if (result.converged) lines.push('converged: every step Healthy');
  else if (result.stoppedAt) {
    lines.push(`stopped at step ${result.stoppedAt.step}: ${result.stoppedAt.application}, ${result.stoppedAt.resource}: ${result.stoppedAt.reason}`);
    if (result.stoppedAt.manualStep) lines.push(toDo(result.stoppedAt));
  } else lines.push('not converged: some Applications are in no RollingSync step');
  return lines.join('\n') + '\n';
}

/** `to do: provision ... (docs/vault-production-bootstrap.md, "3. The bootstrap token"), then record it with --bootstrap-token`. */
function toDo(b: Blocker): string {
  const s = b.manualStep!;
  return `to do: ${s.action} (${s.runbook}), then record it with ${s.flag}`;
}
