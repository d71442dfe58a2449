import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { devBootstrapFiles, productionBootstrapFiles } from '../../lib/bootstrap/bundle';
import { DEV_CREDENTIALS_SECRET } from '../../lib/bootstrap/dev-script';
import type { FixturePlan } from '../../lib/bootstrap/plan';
import { renderGateScript } from '../../lib/readiness/gate-script';
import { argvRecorder } from '../support/argv-recorder';
import { canary } from '../support/canary';
import { tempDir } from '../support/tmp';
import { KubernetesApiStandIn } from '../stand-ins/kubernetes-api';
import { startVaultStandIn, VaultStandIn } from '../stand-ins/vault-api';
import { clusterNamed, exampleProjectModel, runScript, writeFiles } from './script-harness';

/**
 * No secret in any process argument list: every argument of every program the scripts exec is
 * recorded by wrappers on PATH (what /proc/<pid>/cmdline shows) and searched for every secret the
 * run held: tokens, the unseal key, the HMAC seed, and each generated value.
 */
const project = exampleProjectModel();

function expectNotInArgv(calls: string[][], secrets: readonly string[]): void {
  expect(calls.length).toBeGreaterThan(0);
  const args = calls.flat();
  for (const s of secrets) {
    expect(s.length).toBeGreaterThan(8);
    const hit = args.find((a) => a.includes(s));
    expect(hit === undefined, `a secret appeared in the argument list of ${calls.find((c) => c.some((a) => a.includes(s)))?.[0]}`).toBe(true);
  }
}

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('no secret on a command line', () => {
  it('dev bootstrap: root token, unseal key, seed and generated values stay out of argv', async () => {
    const files = devBootstrapFiles(project, clusterNamed(project, 'nonprod'));
    const paths = writeFiles({ 'bootstrap.sh': files.script, 'bootstrap.json': files.plan, 'fixtures.json': files.fixtures });
    const seed = randomBytes(32).toString('hex');
    const saToken = canary('sa-token');
    const vault: VaultStandIn = await startVaultStandIn();
    const kube = await new KubernetesApiStandIn({ token: saToken }).start();
    closers.push(() => vault.close(), () => kube.stop());
    kube.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: DEV_CREDENTIALS_SECRET, namespace: 'vault' }, data: { seed: Buffer.from(seed).toString('base64') } });
    const sa = writeFiles({ 'sa/token': saToken, 'sa/namespace': 'vault' });
    const rec = argvRecorder();
    const run = await runScript(paths['bootstrap.sh']!, {
      ...rec.env,
      VAULT_ADDR: vault.url,
      BOOTSTRAP_CONFIG: paths['bootstrap.json']!,
      BOOTSTRAP_FIXTURES: paths['fixtures.json']!,
      KUBERNETES_API_URL: kube.url,
      SERVICEACCOUNT_DIR: sa['sa/token']!.replace(/\/token$/, ''),
    });
    expect(run.stderr, run.stdout).toBe('');
    expect(run.code).toBe(0);
    const fixtures = JSON.parse(files.fixtures) as FixturePlan;
    const generated = fixtures.paths.flatMap((p) => p.keys.filter((k) => k.generate).map((k) => vault.kvData('secret', p.path)![k.key]!));
    expect(generated.length).toBeGreaterThan(10);
    const calls = rec.calls();
    // The HMACs were computed (sha256sum ran) and no openssl was needed.
    expect(calls.some((c) => c[0] === 'sha256sum')).toBe(true);
    expect(calls.some((c) => c[0] === 'openssl')).toBe(false);
    expectNotInArgv(calls, [saToken, seed, vault.state.rootToken!, vault.state.unsealKey!, ...generated]);
  });

  it('production bootstrap: the scoped token stays out of argv', async () => {
    const files = productionBootstrapFiles(project, clusterNamed(project, 'prod'));
    const paths = writeFiles({ 'bootstrap.sh': files.script, 'bootstrap.json': files.plan });
    const vault = await startVaultStandIn({ initialized: true });
    closers.push(() => vault.close());
    const token = vault.addToken({ policies: ['root'], ttl: 900 });
    const rec = argvRecorder();
    // A root token is refused, after the token was used for lookup-self: it passed through curl.
    const run = await runScript(paths['bootstrap.sh']!, { ...rec.env, VAULT_ADDR: vault.url, BOOTSTRAP_CONFIG: paths['bootstrap.json']!, BOOTSTRAP_TOKEN_FILE: writeFiles({ token }).token! });
    expect(run.stderr).toMatch(/refusing a root token/);
    expect(rec.calls().some((c) => c[0] === 'curl')).toBe(true);
    expectNotInArgv(rec.calls(), [token]);
  });

  it('readiness gate: the service-account token stays out of argv', async () => {
    const token = canary('gate-token');
    const api = await new KubernetesApiStandIn({ token }).start();
    closers.push(() => api.stop());
    const value = canary('gate-value');
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app', namespace: 'dev' }, data: { KEY: Buffer.from(value).toString('base64') } });
    const dir = tempDir();
    mkdirSync(join(dir, 'sa'));
    writeFileSync(join(dir, 'sa', 'token'), token);
    writeFileSync(join(dir, 'sa', 'ca.crt'), '');
    writeFileSync(join(dir, 'gate.sh'), renderGateScript({ namespace: 'dev', secrets: [{ name: 'app', keys: ['KEY'] }] }));
    const rec = argvRecorder();
    const code = await new Promise<number>((resolve) => {
      const child = spawn('sh', [join(dir, 'gate.sh')], { env: { ...rec.env, SECRETOPS_KUBE_API: api.url, SECRETOPS_SA_DIR: join(dir, 'sa'), GATE_TIMEOUT_SECONDS: '2', GATE_INTERVAL_SECONDS: '1' }, stdio: 'ignore' });
      child.on('close', (c) => resolve(c ?? -1));
    });
    expect(code).toBe(0);
    expect(api.requests.every((q) => q.status !== 401)).toBe(true);
    expectNotInArgv(rec.calls(), [token, value]);
  });
});
