import { renderTable } from '../text-table';
import type { Resolution } from './resolver';

/** The public JSON shape of `secretops resolve --format json`. Never a value. */
export function resolutionsToJson(environment: string, resolutions: readonly Resolution[], alias?: string): object {
  return {
    environment,
    ...(alias ? { alias } : {}),
    resolutions: resolutions.map((r) => ({
      service: r.service,
      secret: r.secret,
      key: r.key,
      required: r.required,
      winner: r.winner ? { tier: r.winner.tier, sourceKey: r.winner.sourceKey, location: r.winner.location } : null,
      tried: r.tried.map((c) => ({ tier: c.tier, sourceKey: c.sourceKey, location: c.location, found: c.found })),
    })),
  };
}

/**
 * A table a reviewer can read: per key the winner and, last, the candidates tried before it and
 * not found (so each row reads as the chain up to the winner); then each unresolved key with the
 * chain it tried.
 */
export function resolutionsToText(environment: string, resolutions: readonly Resolution[], alias?: string): string {
  const head = alias ? `environment ${environment} (alias ${alias})\n\n` : `environment ${environment}\n\n`;
  const rows = resolutions.map((r) => {
    const before = r.winner ? r.tried.slice(0, r.tried.indexOf(r.winner)) : [];
    return [
      r.service,
      r.secret,
      r.key + (r.required ? '' : ' (optional)'),
      r.winner ? r.winner.tier : r.required ? 'UNRESOLVED' : 'absent',
      r.winner ? r.winner.sourceKey : '-',
      r.winner ? r.winner.location : r.tried.map((c) => c.location).join(' > '),
      before.length > 0 ? before.map((c) => c.location).join(' > ') : '-',
    ];
  });
  let out = head + renderTable(['SERVICE', 'SECRET', 'KEY', 'TIER', 'SOURCE KEY', 'LOCATION', 'NOT FOUND BEFORE IT'], rows);
  const unresolved = resolutions.filter((r) => r.required && !r.winner);
  if (unresolved.length > 0) {
    out += `\n${unresolved.length === 1 ? '1 required key resolves' : `${unresolved.length} required keys resolve`} nowhere:\n`;
    for (const r of unresolved) {
      out += `  ${r.service}/${r.secret}/${r.key}: tried ${r.tried.map((c) => `${c.tier} ${c.location}`).join(', ')}\n`;
    }
  }
  return out;
}
