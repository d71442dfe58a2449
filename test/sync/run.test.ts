import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../lib/project/load';
import { AuditLog } from '../../lib/sync/audit';
import { NoApprover } from '../../lib/sync/approver';
import { GithubSecrets, githubOptionsFrom } from '../../lib/sync/github';
import { Ledger } from '../../lib/sync/ledger';
import { planSync } from '../../lib/sync/plan';
import { retryOptionsFrom } from '../../lib/sync/retry';
import { executeSync } from '../../lib/sync/run';
import { deterministicValue } from '../../lib/sync/values';
import { expectNoLeak } from '../support/canary';
import { SEED, syncHarness } from './harness';

/** An audit log that throws when asked to guard one value: an exception outside any target's own read. */
class ThrowingForOneValue extends AuditLog {
  constructor(
    file: string,
    private readonly poisoned: string,
  ) {
    super(file);
  }
  override forbid(value: string): void {
    if (value === this.poisoned) throw new Error(`guard broke on ${value}`);
    super.forbid(value);
  }
}

describe('executeSync: one key that throws fails alone', () => {
  it('records the key as failed in the outcome and the audit, writes the other keys, and ends failed', async () => {
    const h = await syncHarness();
    const project = loadProject({ servicesFile: join(h.dir, 'services.yaml') });
    const plan = planSync(project.catalog, project.resolver, { environment: 'dev', service: 'agents-runtime', to: 'github', policy: 'deterministic' }, () => ({ required: false, reasons: [] }), project.source);
    expect(plan.keys.length).toBeGreaterThan(1);
    const [bad, ...good] = plan.keys;
    const badValue = deterministicValue(SEED, bad!.subject);
    const auditPath = join(h.dir, 'audit.jsonl');
    const outcome = await executeSync(plan, {
      github: new GithubSecrets(githubOptionsFrom(h.env, retryOptionsFrom(h.env))),
      ledger: new Ledger(join(h.dir, '.secretops')),
      fingerprintKey: 'f'.repeat(64),
      approvalKey: 'a'.repeat(64),
      audit: new ThrowingForOneValue(auditPath, badValue),
      approver: new NoApprover(),
      seed: SEED,
    });

    expect(outcome.status).toBe('failed');
    expect(outcome.outcomes.filter((o) => o.targetKey === bad!.targetKey)).toEqual([expect.objectContaining({ destination: 'github', result: 'failed', reason: 'internal error (Error)' })]);
    for (const k of good) expect(outcome.outcomes.find((o) => o.targetKey === k.targetKey), k.targetKey).toEqual(expect.objectContaining({ result: 'created' }));
    expect(h.github.secretNames('ameide/ameide', 'dev')).toEqual(good.map((k) => k.targetKey).sort());

    const audit = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(audit.filter((e) => e.action === 'failure')).toEqual([expect.objectContaining({ outcome: 'failed', reason: 'internal error (Error)', key: expect.objectContaining({ targetKey: bad!.targetKey }) })]);
    expect(audit.filter((e) => e.action === 'write')).toHaveLength(good.length);
    expectNoLeak([JSON.stringify(outcome), readFileSync(auditPath, 'utf8')], badValue);
  });
});
