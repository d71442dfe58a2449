import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseToday, todayUtc } from '../../lib/clock';
import { runSecretops } from '../support/cli';
import { tempDir } from '../support/tmp';

describe('todayUtc: the one clock for calendar dates', () => {
  it('takes an explicit date first, then SECRETOPS_TODAY, then the system clock', () => {
    expect(todayUtc('2031-02-03', { SECRETOPS_TODAY: '2030-01-01' })).toBe('2031-02-03');
    expect(todayUtc(undefined, { SECRETOPS_TODAY: '2030-01-01' })).toBe('2030-01-01');
    expect(todayUtc(undefined, {})).toBe(new Date().toISOString().slice(0, 10));
  });

  it('refuses what is not a calendar date, naming where it came from', () => {
    expect(() => parseToday('2026-02-30', '--today')).toThrow(/--today must be a date like/);
    expect(() => todayUtc(undefined, { SECRETOPS_TODAY: 'tomorrow' })).toThrow(/SECRETOPS_TODAY must be a date/);
  });
});

/** A folder with an inline secret that an allowlist entry excuses until 2030-06-30. */
function allowlisted(): string {
  const dir = tempDir();
  writeFileSync(join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nmetadata: { name: demo }\nstringData:\n  password: QL05HA064GiIjHGb3CXl\n');
  writeFileSync(
    join(dir, 'secretops.config.yaml'),
    'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nallowlist:\n  - path: secret.yaml\n    rule: no-inline-secret\n    reason: demo\n    expires: "2030-06-30"\n',
  );
  return dir;
}

describe('scan expiry follows --today and SECRETOPS_TODAY', () => {
  it('keeps the entry in force up to its date and fails after it', async () => {
    const dir = allowlisted();
    const before = await runSecretops(['scan', '--format', 'json', '--today', '2030-06-30'], { cwd: dir });
    expect(before.code).toBe(0);
    const after = await runSecretops(['scan', '--format', 'json', '--today', '2030-07-01'], { cwd: dir });
    expect(after.code).toBe(1);
    const ids = JSON.parse(after.stdout).findings.map((f: { ruleId: string }) => f.ruleId).sort();
    expect(ids).toEqual(['expired-allowlist', 'no-inline-secret']);
  });

  it('reads SECRETOPS_TODAY when --today is absent, and --today wins over it', async () => {
    const dir = allowlisted();
    expect((await runSecretops(['scan', '--format', 'json'], { cwd: dir, env: { SECRETOPS_TODAY: '2030-07-01' } })).code).toBe(1);
    expect((await runSecretops(['scan', '--format', 'json', '--today', '2030-01-01'], { cwd: dir, env: { SECRETOPS_TODAY: '2030-07-01' } })).code).toBe(0);
  });

  it('is a usage error for a date that does not exist', async () => {
    const r = await runSecretops(['scan', '--today', '2030-13-01'], { cwd: allowlisted() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--today must be a date like/);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
