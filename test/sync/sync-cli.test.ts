import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { b64, kubeValue, SEED, syncHarness } from './harness';

const TOKEN_AI = ['--env', 'ai-slot-1', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN'];

/** The documented derivation, computed here independently of lib/sync. */
function expected(seed: string, environment: string, secret: string, key: string): string {
  return createHmac('sha256', seed).update(JSON.stringify(['secretops/sync/v1', 'ameide', 'ameide/ameide', environment, secret, key])).digest('base64url');
}

describe('secretops sync to GitHub and Kubernetes', () => {
  it('writes the override key with the deterministic value to both, the same across runs', async () => {
    const h = await syncHarness();
    const r = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(r.stderr).toContain('write created');
    expect(r.code).toBe(0);
    const want = expected(SEED, 'ai', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI');
    expect(want).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(want);
    expect(h.github.hasEnvironment('ameide/ameide', 'ai')).toBe(true);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(want);
    const secret = h.kube.object('v1', 'Secret', 'ai-slot-1', 'agents-runtime-credentials')!;
    expect(secret.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'secretops' });
    expect(secret.metadata.annotations?.['secretops.dev/owned-keys']).toBe('CODEXK8S_API_TOKEN_AI');
    // The production name is not written anywhere.
    expect(h.github.secretNames('ameide/ameide', 'ai')).toEqual(['CODEXK8S_API_TOKEN_AI']);

    // The environment is created once; an existing one is never PUT again (that could reset its protection rules).
    expect(h.github.requests.filter((q) => q.method === 'PUT' && q.path === '/repos/ameide/ameide/environments/ai')).toHaveLength(1);
    await h.run(['sync', '--env', 'ai-slot-1', '--service', 'agents-runtime', '--key', 'CODEXK8S_WEBHOOK_SECRET', '--to', 'github', '--yes']);
    expect(h.github.requests.filter((q) => q.method === 'PUT' && q.path === '/repos/ameide/ameide/environments/ai')).toHaveLength(1);

    // A second project copy with fresh stand-ins and no ledger derives the same value.
    const again = await syncHarness();
    expect((await again.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'])).code).toBe(0);
    expect(again.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(want);
  });

  it('derives different values for other seeds, keys and environments', async () => {
    const h = await syncHarness();
    expect((await h.run(['sync', '--env', 'ai-slot-1', '--service', 'agents-runtime', '--to', 'github', '--yes'])).code).toBe(0);
    expect((await h.run(['sync', '--env', 'dev', '--service', 'agents-runtime', '--to', 'github', '--yes'])).code).toBe(0);
    const other = await syncHarness();
    expect((await other.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'], { env: { SECRETOPS_SEED: 'another-seed-0123456789abcdef0123456789' } })).code).toBe(0);
    const values = [
      h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai'),
      h.github.secret('ameide/ameide', 'CODEXK8S_WEBHOOK_SECRET_AI', 'ai'),
      h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'dev'),
      other.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai'),
    ];
    expect(values.every((v) => typeof v === 'string' && v.length === 43)).toBe(true);
    expect(new Set(values).size).toBe(4);
    expect(values[2]).toBe(expected(SEED, 'dev', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN'));
  });

  it('replays without writing, and writes a changed value once', async () => {
    const h = await syncHarness();
    expect((await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'run-1'])).code).toBe(0);
    const ghWrites = h.github.secretWrites().length;
    const kubeWrites = h.kube.writes().length;
    const replay = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'run-1']);
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('idempotent_replay');
    expect(replay.stdout.match(/^idempotent_replay /gm)).toHaveLength(2);
    expect(h.github.secretWrites()).toHaveLength(ghWrites);
    expect(h.kube.writes()).toHaveLength(kubeWrites);

    // Another seed changes the value: written once, then a replay again.
    const seed2 = { SECRETOPS_SEED: 'rotated-seed-0123456789abcdef0123456789' };
    const changed = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'run-2'], { env: seed2 });
    expect(changed.stdout.match(/^updated /gm)).toHaveLength(2);
    expect(h.github.secretWrites()).toHaveLength(ghWrites + 1);
    const again = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'run-2'], { env: seed2 });
    expect(again.stdout.match(/^idempotent_replay /gm)).toHaveLength(2);
    expect(h.github.secretWrites()).toHaveLength(ghWrites + 1);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(expected(seed2.SECRETOPS_SEED, 'ai', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI'));
  });

  it('rewrites a GitHub secret when its public key changed since the ledger entry', async () => {
    const h = await syncHarness();
    await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes']);
    h.github.rotateKey('ameide/ameide', 'ai');
    const r = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes']);
    expect(r.stdout).toMatch(/^updated .*GitHub public key changed/m);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(expected(SEED, 'ai', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI'));
  });

  it('writes the ai override key without touching the production key or neighbour keys', async () => {
    const h = await syncHarness();
    h.github.seedSecret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'prod-value', 'production');
    h.github.seedSecret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'ai-base-value', 'ai');
    h.kube.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'oauth2-proxy-credentials', namespace: 'platform', labels: { team: 'edge' } },
      data: { GITHUB_OAUTH_CLIENT_ID: b64('dev-client-id'), OAUTH2_PROXY_COOKIE_SECRET: b64('dev-cookie') },
    });
    expect((await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'])).code).toBe(0);
    const r = await h.run(['sync', '--env', 'ai', '--service', 'oauth2-proxy', '--key', 'GITHUB_OAUTH_CLIENT_ID', '--to', 'kubernetes', '--yes']);
    expect(r.code).toBe(0);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'production')).toBe('prod-value');
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'ai')).toBe('ai-base-value');
    const s = h.kube.object('v1', 'Secret', 'platform', 'oauth2-proxy-credentials')!;
    expect(Object.keys(s.data as object).sort()).toEqual(['GITHUB_OAUTH_CLIENT_ID', 'GITHUB_OAUTH_CLIENT_ID_AI', 'OAUTH2_PROXY_COOKIE_SECRET']);
    expect(kubeValue(h.kube, 'platform', 'oauth2-proxy-credentials', 'GITHUB_OAUTH_CLIENT_ID')).toBe('dev-client-id');
    expect(kubeValue(h.kube, 'platform', 'oauth2-proxy-credentials', 'OAUTH2_PROXY_COOKIE_SECRET')).toBe('dev-cookie');
    expect(kubeValue(h.kube, 'platform', 'oauth2-proxy-credentials', 'GITHUB_OAUTH_CLIENT_ID_AI')).toBe(expected(SEED, 'ai', 'oauth2-proxy-credentials', 'GITHUB_OAUTH_CLIENT_ID_AI'));
    // Someone else's Secret: secretops marks its key, not the object.
    expect(s.metadata.labels).toEqual({ team: 'edge' });
    expect(s.metadata.annotations?.['secretops.dev/owned-keys']).toBe('GITHUB_OAUTH_CLIENT_ID_AI');
    // GitHub refuses names starting with GITHUB_: the plan says so instead of failing at GitHub.
    const gh = await h.run(['sync', '--env', 'ai', '--service', 'oauth2-proxy', '--key', 'GITHUB_OAUTH_CLIENT_ID', '--to', 'github', '--yes']);
    expect(gh.code).toBe(2);
    expect(gh.stderr).toContain('must not start with GITHUB_');
  });

  it('retries Kubernetes conflicts and 5xx and GitHub rate limits and 5xx, and converges', async () => {
    const h = await syncHarness();
    h.kube.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'agents-runtime-credentials', namespace: 'ai-slot-1' }, data: { NEIGHBOUR: b64('keep-me') } });
    h.kube.fail({ status: 409, match: (r) => r.method === 'PATCH', times: 2 });
    h.kube.fail({ status: 500, match: (r) => r.method === 'GET', times: 1 });
    h.github.fail({ status: 403, rateLimit: 'primary', match: (r) => r.method === 'PUT' && r.path.includes('/secrets/'), times: 1 });
    h.github.fail({ status: 403, rateLimit: 'secondary', match: (r) => r.method === 'GET' && r.path.endsWith('/public-key'), times: 1 });
    h.github.fail({ status: 503, match: (r) => r.method === 'PUT' && r.path.includes('/secrets/'), times: 1 });
    h.github.fail({ status: 502, match: (r) => r.method === 'PUT' && r.path.endsWith('/environments/ai'), times: 1 });
    const r = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(r.stderr).not.toContain('failed');
    expect(r.code).toBe(0);
    const want = expected(SEED, 'ai', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI');
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(want);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(want);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'NEIGHBOUR')).toBe('keep-me');
    expect(h.kube.requests.filter((q) => q.status === 409)).toHaveLength(2);
    expect(h.github.requests.filter((q) => q.status >= 500 || q.status === 403)).toHaveLength(4);
  });

  it('converges after a partial failure: GitHub refused, Kubernetes written, next run writes GitHub only', async () => {
    const h = await syncHarness();
    h.github.fail({ status: 422, match: (r) => r.method === 'PUT' && r.path.includes('/secrets/') });
    const first = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/^failed .*github.*422 validation failed/m);
    expect(first.stdout).toMatch(/^created .*kubernetes/m);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBeUndefined();
    const kubeWrites = h.kube.writes().length;
    const second = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^created .*github/m);
    expect(second.stdout).toMatch(/^idempotent_replay .*kubernetes/m);
    expect(h.kube.writes()).toHaveLength(kubeWrites);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI'));
  });

  it('random: one fresh value to every target, a replay keeps it, a new idempotency key rotates it', async () => {
    const h = await syncHarness();
    const env = { SECRETOPS_SEED: '' };
    const args = ['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--policy', 'random'];
    expect((await h.run(args, { env })).code).toBe(0);
    const v1 = h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai');
    expect(v1).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(v1);
    const replay = await h.run(args, { env });
    expect(replay.stdout.match(/^idempotent_replay /gm)).toHaveLength(2);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(v1);
    expect((await h.run([...args, '--idempotency-key', 'rotate-2'], { env })).code).toBe(0);
    const v2 = h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai');
    expect(v2).not.toBe(v1);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(v2);
  });

  it('checks GitHub limits before writing', async () => {
    const h = await syncHarness();
    for (let i = 0; i < 100; i++) h.github.seedSecret('ameide/ameide', `FILLER_${i}`, 'x', 'ai');
    const full = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes']);
    expect(full.code).toBe(1);
    expect(full.stdout).toContain('already holds 100 secrets; GitHub allows 100');
    const big = await h.run(['sync', '--env', 'dev', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN', '--to', 'github', '--yes', '--policy', 'provided'], { stdin: 'x'.repeat(48 * 1024 + 1) });
    expect(big.code).toBe(1);
    expect(big.stdout).toContain('GitHub secrets hold at most 49152');
    expect(h.github.secretWrites()).toHaveLength(0);
  });

  it('--dry-run prints the plan and writes nothing', async () => {
    const h = await syncHarness();
    const r = await h.run(['sync', '--env', 'ai-slot-1', '--service', 'agents-runtime', '--to', 'both', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would write github:ameide/ameide:environment:ai:CODEXK8S_API_TOKEN_AI');
    expect(r.stdout).toContain('would write kubernetes:current-context:ai-slot-1/agents-runtime-credentials#CODEXK8S_WEBHOOK_SECRET_AI');
    expect(r.stdout).toContain('key CODEXK8S_API_TOKEN written as CODEXK8S_API_TOKEN_AI (env-override patterns[0])');
    expect(r.stdout).toContain('dry run: nothing was written');
    expect(h.github.requests).toHaveLength(0);
    expect(h.kube.requests).toHaveLength(0);
    expect(existsSync(join(h.dir, '.secretops', 'ledger'))).toBe(false);
  });

  it('refuses clearly: missing seed, --yes where approval is required, no terminal without --yes, project secrets to Kubernetes', async () => {
    const h = await syncHarness();
    const noSeed = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'], { env: { SECRETOPS_SEED: '' } });
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toContain('SECRETOPS_SEED is not set');
    const yes = await h.run(['sync', '--env', 'production', '--service', 'agents-runtime', '--to', 'github', '--yes']);
    expect(yes.code).toBe(2);
    expect(yes.stderr).toContain('--yes cannot approve writes to production');
    const noTty = await h.run(['sync', ...TOKEN_AI, '--to', 'github']);
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('pass --yes');
    expect(h.github.requests).toHaveLength(0);
    for (const r of [noSeed, yes, noTty]) expect(r.stderr).not.toContain('internal error');
  });

  it('writes a JSON-lines audit record per request, write and skip, with the resolver audit', async () => {
    const h = await syncHarness();
    await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'audit-1']);
    await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes', '--idempotency-key', 'audit-1']);
    const lines = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.action}:${l.outcome}`)).toEqual(['request:received', 'write:created', 'write:created', 'request:received', 'skip:idempotent_replay', 'skip:idempotent_replay']);
    expect(lines.some((l) => 'redacted' in l)).toBe(false);
    const write = lines[1];
    expect(write).toMatchObject({
      component: 'sync',
      operation: 'sync',
      project: 'ameide',
      repository: 'ameide/ameide',
      environment: 'ai-slot-1',
      policy: 'deterministic',
      idempotencyKey: 'audit-1',
      target: 'github:ameide/ameide:environment:ai:CODEXK8S_API_TOKEN_AI',
      key: { service: 'agents-runtime', secretName: 'agents-runtime-credentials', key: 'CODEXK8S_API_TOKEN', targetKey: 'CODEXK8S_API_TOKEN_AI', targetTier: 'env-override', rule: 'patterns[0]' },
    });
    expect(write.key.tried[0]).toMatchObject({ tier: 'env-override', sourceKey: 'CODEXK8S_API_TOKEN_AI' });
    expect(write.key.winner).toMatchObject({ tier: 'env-override', location: 'secret/ai/agents-runtime#CODEXK8S_API_TOKEN_AI' });
  });
});
