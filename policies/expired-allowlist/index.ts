import { todayUtc } from '../../lib/clock';
import type { Rule } from '../../lib/scan/types';

interface ConfigDocument {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly allowlist?: unknown;
}

/**
 * An allowlist entry in a scanner configuration (`kind: ScanConfig`) past its `expires` date.
 * Expired entries suppress nothing (the engine ignores them); this rule makes the lapse visible so
 * the exception is either fixed or renewed with a fresh reason, never left to linger.
 */
export const expiredAllowlist: Rule = {
  meta: {
    id: 'expired-allowlist',
    description: 'A scanner configuration allowlist entry whose expiry date has passed.',
    remediation: 'Fix what the entry excused and delete the entry, or renew it with a new expiry date and an up-to-date reason.',
    defaultSeverity: 'error',
    docs: 'policies/expired-allowlist/README.md',
    scope: 'document',
    interest: /kind:\s*["']?ScanConfig/,
    readsTodayIn: 'ScanConfig',
  },
  checkDocument(doc, ctx, report) {
    const v = doc.value as ConfigDocument | null;
    if (v?.kind !== 'ScanConfig' || v.apiVersion !== 'secretops.dev/v1alpha1' || !Array.isArray(v.allowlist)) return;
    const today = ctx.today ?? todayUtc();
    v.allowlist.forEach((entry: unknown, i) => {
      const e = entry as { rule?: unknown; path?: unknown; expires?: unknown } | null;
      if (typeof e?.expires !== 'string' || e.expires >= today) return;
      report({
        message: `allowlist entry for ${String(e.rule)} on "${String(e.path)}" expired on ${e.expires}: it no longer suppresses anything`,
        pointer: `/allowlist/${i}/expires`,
      });
    });
  },
};
