import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncHarness } from './harness';

const PROD = ['sync', '--env', 'production', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN', '--to', 'both'];

describe('secretops sync approval', () => {
  it('writes nothing when the approver denies', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending', 'denied']);
    const r = await h.run(PROD, { env: { SECRETOPS_APPROVER_URL: approver.url, SECRETOPS_APPROVAL_POLL_MS: '1' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^denied .*github/m);
    expect(r.stdout).toMatch(/^denied .*kubernetes/m);
    expect(r.stdout).toContain('sync denied');
    expect(h.github.secretWrites()).toHaveLength(0);
    expect(h.kube.writes()).toHaveLength(0);
    expect(h.github.hasEnvironment('ameide/ameide', 'production')).toBe(false);
    const audit = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((a) => `${a.action}:${a.outcome}`)).toEqual(['request:received', 'approval:denied', 'skip:denied', 'skip:denied']);
    expect(audit[1]).toMatchObject({ operation: 'sync', project: 'ameide', repository: 'ameide/ameide', environment: 'production', reason: 'via http, request apr-1, by alice@example.com' });
  });

  it('asks once with safe metadata, polls while pending, then writes', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending', 'pending', 'approved']);
    const r = await h.run([...PROD, '--idempotency-key', 'change-42'], { env: { SECRETOPS_APPROVER_URL: approver.url, SECRETOPS_APPROVER_TOKEN: 'apr-token', SECRETOPS_APPROVAL_POLL_MS: '1' } });
    expect(r.code).toBe(0);
    expect(approver.received).toHaveLength(1);
    const req = approver.received[0]!;
    expect(req.idempotencyKey).toBe('change-42');
    expect(req.authorization).toBe('Bearer apr-token');
    expect(req.body).toEqual({
      apiVersion: 'secretops.dev/v1alpha1',
      kind: 'SyncApprovalRequest',
      idempotencyKey: 'change-42',
      operation: 'sync',
      project: 'ameide',
      repository: 'ameide/ameide',
      environment: 'production',
      policy: 'deterministic',
      requiredBy: ['catalog: environment production has requireApproval', expect.stringContaining('approval.yaml: environment production is listed'), expect.stringContaining('approval.yaml: tier production is listed')],
      writes: [
        { target: 'github:ameide/ameide:environment:production:CODEXK8S_API_TOKEN', reason: 'absent on GitHub' },
        { target: 'kubernetes:current-context:production/agents-runtime-credentials#CODEXK8S_API_TOKEN', reason: 'absent in the Secret' },
      ],
    });
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'production')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toContain('approval approved');
    // A replay needs no approval: nothing to write.
    const replay = await h.run([...PROD, '--idempotency-key', 'change-42'], { env: { SECRETOPS_APPROVER_URL: approver.url } });
    expect(replay.code).toBe(0);
    expect(approver.received).toHaveLength(1);
  });

  it('gives up after the approval timeout without writing', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending']);
    const r = await h.run(PROD, { env: { SECRETOPS_APPROVER_URL: approver.url, SECRETOPS_APPROVAL_POLL_MS: '1', SECRETOPS_APPROVAL_TIMEOUT_MS: '20' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('approval timeout');
    expect(h.github.secretWrites()).toHaveLength(0);
  });

  it('takes a terminal confirmation: the environment name approves, anything else denies', async () => {
    const h = await syncHarness();
    const no = await h.run(PROD, { tty: true, stdin: 'yes\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('type the environment name "production" to approve');
    expect(h.kube.writes()).toHaveLength(0);
    const yes = await h.run(PROD, { tty: true, stdin: 'production\n' });
    expect(yes.code).toBe(0);
    expect(h.kube.writes().length).toBeGreaterThan(0);
  });

  it('refuses without an approver or a terminal, and names a bad policy file by line', async () => {
    const h = await syncHarness();
    const r = await h.run(PROD);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('requires approval, and there is no approver');
    expect(r.stderr).toContain('secretops: failure approval_failed production');
    const approver = await h.approver(['approved']);
    const unreachable = await h.run(PROD, { env: { SECRETOPS_APPROVER_URL: 'http://127.0.0.1:9/approvals' } });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot be reached; nothing was written');
    const wrongPath = await h.run(PROD, { env: { SECRETOPS_APPROVER_URL: `${approver.origin}/elsewhere` } });
    expect(wrongPath.code).toBe(1);
    expect(wrongPath.stderr).toContain('the approver answered POST with 404 and no valid decision; nothing was written');
    expect(h.github.secretWrites()).toHaveLength(0);

    writeFileSync(join(h.dir, 'secretops.approval.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ApprovalPolicy\nspec:\n  environments: [dev, qa]\n');
    const bad = await h.run(['sync', '--env', 'dev', '--service', 'agents-runtime', '--to', 'github', '--dry-run']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/secretops\.approval\.yaml:4:\d+ \/spec\/environments\/1: unknown environment "qa"/);

    writeFileSync(join(h.dir, 'secretops.approval.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ApprovalPolicy\nspec:\n  environments: [dev]\n');
    const dev = await h.run(['sync', '--env', 'dev', '--service', 'agents-runtime', '--to', 'github', '--dry-run']);
    expect(dev.stdout).toContain('approval: required');
  });

  it('still reads the legacy policies/approval.yaml, and refuses both files at once', async () => {
    const h = await syncHarness();
    const DEV = ['sync', '--env', 'dev', '--service', 'agents-runtime', '--to', 'github', '--dry-run'];
    expect((await h.run(DEV)).stdout).not.toContain('approval: required');
    mkdirSync(join(h.dir, 'policies'));
    writeFileSync(join(h.dir, 'policies', 'approval.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ApprovalPolicy\nspec:\n  environments: [dev]\n');
    const both = await h.run(DEV);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('policies/approval.yaml: both secretops.approval.yaml and policies/approval.yaml exist; one approval policy is read');
    expect(both.stdout).toBe('');
    rmSync(join(h.dir, 'secretops.approval.yaml'));
    const legacy = await h.run(DEV);
    expect(legacy.stdout).toContain('approval: required');
    expect(legacy.stdout).toContain('policies/approval.yaml: environment dev is listed');
  });
});
