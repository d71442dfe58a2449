import { describe, expect, it } from 'vitest';
import { checkText } from '../../lib/scan/run-rules';
import { expiredAllowlist } from '.';

const config = (expires: string) =>
  `apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nallowlist:\n  - path: "a/*.yaml"\n    rule: no-inline-secret\n    reason: demo\n    expires: "${expires}"\n`;

describe('expired-allowlist', () => {
  it('reports an entry from the day after its expiry date, at the date', async () => {
    expect(await checkText(expiredAllowlist, 'c.yaml', config('2026-05-31'), { today: '2026-05-31' })).toEqual([]);
    const findings = await checkText(expiredAllowlist, 'c.yaml', config('2026-05-31'), { today: '2026-06-01' });
    expect(findings.map((f) => [f.line, f.column, f.severity, f.message])).toEqual([
      [7, 14, 'error', 'allowlist entry for no-inline-secret on "a/*.yaml" expired on 2026-05-31: it no longer suppresses anything'],
    ]);
  });

  it('ignores documents that are not a scanner configuration', async () => {
    expect(await checkText(expiredAllowlist, 'c.yaml', config('2000-01-01').replace('ScanConfig', 'Other'), { today: '2026-06-01' })).toEqual([]);
  });
});
