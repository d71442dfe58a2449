import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { KubernetesAccessKeyStore } from '../../lib/access-keys/kubernetes-store';
import { AccessKeys } from '../../lib/access-keys/access-keys';
import { MemoryAuditLog } from '../../lib/audit/audit-log';
import { KubernetesApiStandIn, writeKubeconfig } from '../stand-ins/kubernetes-api';
import { expectNoLeak } from '../support/canary';
import { runSecretops } from '../support/cli';
import { exampleProject, tempDir } from '../support/tmp';
import { SCOPE, SEED, testClock } from './helpers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

describe('the Kubernetes store against the API stand-in', () => {
  const api = new KubernetesApiStandIn({ token: 'k8s-t0ken' });
  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());

  const core = () => {
    const kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(tempDir(), api));
    return kc.makeApiClient(CoreV1Api);
  };
  const keysIn = (namespace: string, clock = testClock()) => {
    const audit = new MemoryAuditLog();
    const store = new KubernetesAccessKeyStore(core(), namespace);
    return { keys: new AccessKeys({ store, seed: SEED, audit, clock: clock.now }), store, audit, clock };
  };

  it('keeps one labelled Secret per key with the digest and metadata, never the key', async () => {
    const { keys } = keysIn('ai-slot-1');
    const { key, info } = await keys.issue(SCOPE);
    const secret = api.object('v1', 'Secret', 'ai-slot-1', `secretops-access-key-${info.id}`)!;
    expect(secret).toMatchObject({
      type: 'secretops.dev/access-key',
      metadata: {
        labels: {
          'app.kubernetes.io/managed-by': 'secretops',
          'app.kubernetes.io/component': 'access-key',
          'secretops.dev/run-id': 'run-42',
          'secretops.dev/access-key-id': info.id,
        },
      },
    });
    const record = JSON.parse(Buffer.from((secret.data as Record<string, string>)['record.json']!, 'base64').toString());
    expect(record).toMatchObject({ id: info.id, scope: SCOPE, status: 'active', digest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expectNoLeak([JSON.stringify(secret), Buffer.from((secret.data as Record<string, string>)['record.json']!, 'base64').toString()], key);
    expect(await keys.authorizeByKey(key, SCOPE)).toMatchObject({ allow: true });
  });

  it('lists keys of a run by label and refuses a stale replace', async () => {
    const { keys, store } = keysIn('ai-slot-1');
    const a = await keys.issue({ ...SCOPE, runId: 'run-list' });
    await keys.issue({ ...SCOPE, runId: 'run-other' });
    expect((await keys.list({ runId: 'run-list' })).map((i) => i.id)).toEqual([a.info.id]);
    const read = (await store.read(a.info.id))!;
    expect(await store.replace({ ...read.record, lastUsedAt: 'x' }, read.version)).toBe('ok');
    expect(await store.replace({ ...read.record, lastUsedAt: 'y' }, read.version)).toBe('conflict');
  });

  it('a revoke racing a last-used update is not lost (409 then retry)', async () => {
    const { keys, clock } = keysIn('ai-slot-1');
    const { key, info } = await keys.issue(SCOPE);
    clock.advance(1000);
    api.fail({ status: 409, match: (r) => r.method === 'PUT' && r.path.endsWith(info.id) });
    const revoked = await keys.revoke(info.id);
    expect(revoked.status).toBe('revoked');
    expect(await keys.authorizeByKey(key, SCOPE)).toMatchObject({ allow: false, reason: 'revoked' });
  });

  it('last-used updates are best effort: an API failure does not deny a valid key', async () => {
    const { keys, clock } = keysIn('ai-slot-1');
    const { key, info } = await keys.issue(SCOPE);
    clock.advance(5000);
    api.fail({ status: 500, match: (r) => r.method === 'PUT' && r.path.endsWith(info.id) });
    expect(await keys.authorizeByKey(key, SCOPE)).toMatchObject({ allow: true });
    expect((await keys.status(info.id)).lastUsedAt).toBeUndefined();
    clock.advance(5000);
    expect(await keys.authorizeByKey(key, SCOPE)).toMatchObject({ allow: true });
    expect((await keys.status(info.id)).lastUsedAt).toBe('2026-01-01T00:00:10.000Z');
  });

  it('an unreachable or forbidding API is a user error naming what was attempted', async () => {
    const { keys } = keysIn('ai-slot-1');
    api.fail({ status: 403, reason: 'Forbidden' });
    await expect(keys.issue(SCOPE)).rejects.toThrow(/Kubernetes API answered 403 when trying to create access key Secret secretops-access-key-[0-9a-f]{16} in namespace ai-slot-1/);
  });
});

describe('secretops access-key --store kubernetes', () => {
  const api = new KubernetesApiStandIn({ token: 'cli-t0ken' });
  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());

  it('issues into a Secret for the run, verifies, regenerates (replacing the Secret) and revokes', async () => {
    const cwd = exampleProject();
    const kubeconfig = writeKubeconfig(tempDir(), api);
    const env = { SECRETOPS_SEED: SEED, KUBECONFIG: kubeconfig, SECRETOPS_ACCESS_KEY_STORE: 'kubernetes' };
    const scope = ['--run-id', 'run-9', '--project', 'ameide', '--namespace', 'ai-slot-3', '--env', 'ai', '--mode', 'operator'];
    const cli = (argv: string[], extra: NodeJS.ProcessEnv = {}) => runSecretops(['access-key', ...argv], { cwd, env: { ...env, ...extra } });

    const issued = await cli(['issue', ...scope, '--output-secret']);
    expect(issued.code, issued.stderr).toBe(0);
    expect(issued.stdout).toContain('wrote the key to Secret ai-slot-3/secretops-run-key-run-9 (key SECRETOPS_RUN_ACCESS_KEY)');
    expect(issued.stdout).toContain('secretKeyRef:\n        name: secretops-run-key-run-9\n        key: SECRETOPS_RUN_ACCESS_KEY');
    const handOff = api.object('v1', 'Secret', 'ai-slot-3', 'secretops-run-key-run-9')!;
    const key = Buffer.from((handOff.data as Record<string, string>).SECRETOPS_RUN_ACCESS_KEY!, 'base64').toString();
    expect(key).toMatch(/^sok_[0-9a-f]{16}_/);
    expect(handOff.metadata.labels).toMatchObject({ 'secretops.dev/run-id': 'run-9', 'app.kubernetes.io/component': 'run-access-key' });
    const id = key.slice(4, 20);
    expect(api.object('v1', 'Secret', 'ai-slot-3', `secretops-access-key-${id}`)).toBeDefined();

    expect(await cli(['verify', ...scope], { SECRETOPS_RUN_ACCESS_KEY: key })).toMatchObject({ code: 0 });
    expect(await cli(['verify', ...scope.map((s) => (s === 'operator' ? 'agent' : s))], { SECRETOPS_RUN_ACCESS_KEY: key })).toMatchObject({ code: 1, stdout: 'deny: scope_mismatch:runtimeMode\n' });

    const regen = await cli(['regenerate', '--id', id, '--namespace', 'ai-slot-3', '--output-secret']);
    expect(regen.code, regen.stderr).toBe(0);
    const key2 = Buffer.from((api.object('v1', 'Secret', 'ai-slot-3', 'secretops-run-key-run-9')!.data as Record<string, string>).SECRETOPS_RUN_ACCESS_KEY!, 'base64').toString();
    expect(key2).not.toBe(key);
    expect((await cli(['verify', ...scope], { SECRETOPS_RUN_ACCESS_KEY: key })).stdout).toBe('deny: revoked\n');
    expect((await cli(['verify', ...scope], { SECRETOPS_RUN_ACCESS_KEY: key2 })).code).toBe(0);

    const status = await cli(['status', '--namespace', 'ai-slot-3', '--format', 'json']);
    expect(JSON.parse(status.stdout).accessKeys.map((k: { status: string }) => k.status)).toEqual(['revoked', 'active']);
    expect(await cli(['revoke', '--namespace', 'ai-slot-3', '--run-id', 'run-9'])).toMatchObject({ code: 0 });
    expect((await cli(['verify', ...scope], { SECRETOPS_RUN_ACCESS_KEY: key2 })).stdout).toBe('deny: revoked\n');
    for (const r of [issued, regen, status]) expectNoLeak([r.stdout, r.stderr], key);
    expectNoLeak([regen.stdout, regen.stderr, status.stdout], key2);
  });

  it('reports a refused token without a stack', async () => {
    const cwd = exampleProject();
    const kubeconfig = writeKubeconfig(tempDir(), api, { token: 'wrong' });
    const r = await runSecretops(['access-key', 'status', '--store', 'kubernetes', '--namespace', 'ai-slot-1'], { cwd, env: { SECRETOPS_SEED: SEED, KUBECONFIG: kubeconfig } });
    expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(/Kubernetes API answered 401 when trying to list access key Secrets in namespace ai-slot-1\n  hint: the credentials/) });
  });
});

describe('kubeconfig resolution for the CLI', () => {
  const api = new KubernetesApiStandIn({ token: 'ctx-t0ken' });
  beforeAll(async () => {
    await api.start();
  });
  afterAll(() => api.stop());
  const status = (env: NodeJS.ProcessEnv, extra: string[] = []) =>
    runSecretops(['access-key', 'status', '--store', 'kubernetes', '--namespace', 'ai-slot-1', ...extra], { cwd: tempDir(), env: { SECRETOPS_SEED: SEED, HOME: tempDir(), ...env } });

  it('uses --kubeconfig and --context, and names a missing context', async () => {
    const file = writeKubeconfig(tempDir(), api, { contexts: ['first', 'second'] });
    expect(await status({}, ['--kubeconfig', file, '--context', 'second'])).toMatchObject({ code: 0, stdout: 'no access keys\n' });
    expect(api.requests.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/namespaces/ai-slot-1/secrets', status: 200 });
    expect(await status({}, ['--kubeconfig', file, '--context', 'third'])).toMatchObject({ code: 2, stderr: expect.stringContaining('kubeconfig has no context "third"\n  hint: use one of: first, second') });
  });

  it('explains a missing or broken configuration and an unreachable server, without a stack', async () => {
    expect(await status({ KUBECONFIG: '/nonexistent/config' })).toMatchObject({ code: 2, stderr: expect.stringContaining('KUBECONFIG names no existing file') });
    expect(await status({})).toMatchObject({ code: 2, stderr: expect.stringContaining('no Kubernetes configuration found') });
    const broken = join(tempDir(), 'config');
    writeFileSync(broken, 'users: [\n  token: abc');
    expect(await status({ KUBECONFIG: broken })).toMatchObject({ code: 2, stderr: expect.stringMatching(/config: kubeconfig cannot be parsed/) });
    const gone = new KubernetesApiStandIn();
    await gone.start();
    const file = writeKubeconfig(tempDir(), gone);
    await gone.stop();
    expect(await status({ KUBECONFIG: file })).toMatchObject({ code: 2, stderr: expect.stringMatching(/Kubernetes API unreachable when trying to list access key Secrets in namespace ai-slot-1/) });
  });
});
