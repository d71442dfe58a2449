import { renderTable } from '../text-table';
import type { SmokeResult } from './smoke';

/** `secretops smoke --format json`: everything, key names only. */
export function smokeToJson(r: SmokeResult): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** A table of what is ready and what is not, with ESO's condition message. */
export function smokeToText(r: SmokeResult): string {
  const rows: string[][] = [];
  for (const s of r.stores) {
    rows.push([s.ok ? 'ready' : 'NOT READY', '-', `ClusterSecretStore/${s.name}`, '-', s.ok ? '' : !s.exists ? 'store does not exist' : `store not Ready${s.message ? `: ${s.message}` : ''}`]);
  }
  for (const e of r.externalSecrets) {
    const problems: string[] = [];
    if (!e.exists) problems.push('ExternalSecret does not exist');
    else if (!e.ready) problems.push(`ExternalSecret not Ready${e.message ? `: ${e.message}` : ''}`);
    if (!e.secretExists) problems.push('Secret does not exist');
    else if (e.missingKeys.length > 0) problems.push(`missing keys: ${e.missingKeys.join(', ')}`);
    rows.push([e.ok ? 'ready' : 'NOT READY', e.namespace, `ExternalSecret/${e.externalSecret}`, `Secret/${e.secret}`, problems.join('; ')]);
  }
  const where = r.slot !== undefined ? `${r.environment} slot ${r.slot}` : r.environment;
  const notReady = rows.filter((x) => x[0] !== 'ready').length;
  const summary = r.ok
    ? `all ${rows.length} ready in ${where}\n`
    : `${notReady} of ${rows.length} not ready in ${where}${r.timedOut ? ' (timed out)' : ''}\n`;
  return renderTable(['STATUS', 'NAMESPACE', 'OBJECT', 'TARGET', 'DETAIL'], rows) + '\n' + summary;
}
