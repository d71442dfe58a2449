import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { productionBootstrapFiles } from '../../lib/bootstrap/bundle';
import type { BootstrapPlan } from '../../lib/bootstrap/plan';
import { expectNoLeak } from '../support/canary';
import { Capability, startVaultStandIn, VaultStandIn } from '../stand-ins/vault-api';
import { clusterNamed, exampleProjectModel, runScript, ScriptRun, writeFiles } from './script-harness';

const project = exampleProjectModel();
const files = productionBootstrapFiles(project, clusterNamed(project, 'prod'));
const plan = JSON.parse(files.plan) as BootstrapPlan;

/** What the generated bootstrap policy (`bootstrap-policy.hcl`, written by the runbook) grants, read from its HCL. */
function policyCapabilities(hcl: string): Record<string, Capability[]> {
  const out: Record<string, Capability[]> = {};
  for (const m of hcl.matchAll(/^path "([^"]+)" \{\n {2}capabilities = \[([^\]]*)\]\n\}$/gm)) {
    out[m[1]!] = [...m[2]!.matchAll(/"([a-z]+)"/g)].map((c) => c[1] as Capability);
  }
  return out;
}

/** A token with the generated bootstrap policy, less some capabilities. */
function scopedCapabilities(except: { path: string; capability: Capability }[] = []): Record<string, Capability[]> {
  const granted = policyCapabilities(files.tokenPolicy);
  for (const e of except) granted[e.path] = granted[e.path]!.filter((c) => c !== e.capability);
  return granted;
}

it('the generated bootstrap policy grants exactly the capabilities the script checks', () => {
  const granted = policyCapabilities(files.tokenPolicy);
  expect(Object.keys(granted)).toEqual(plan.capabilities.map((c) => c.path));
  expect(granted['sys/auth/kubernetes']).toEqual(['read', 'create', 'update', 'sudo']);
  expect(Object.keys(granted)).toContain('auth/kubernetes/role/external-secrets-production');
  expect(Object.keys(granted)).toContain('auth/kubernetes/role/external-secrets-platform');
  expect(Object.keys(granted)).not.toContain('auth/kubernetes/role/external-secrets');
  expect(files.tokenPolicy).not.toMatch(/"root"|"delete"|secret\/data/);
});

let vault: VaultStandIn;
let paths: Record<string, string>;
beforeEach(async () => {
  vault = await startVaultStandIn({ initialized: true });
  paths = writeFiles({ 'bootstrap.sh': files.script, 'bootstrap.json': files.plan });
});
afterEach(async () => {
  await vault.close();
});

function run(env: Record<string, string>): Promise<ScriptRun> {
  return runScript(paths['bootstrap.sh']!, { VAULT_ADDR: vault.url, BOOTSTRAP_CONFIG: paths['bootstrap.json']!, ...env });
}

const neverInitOrUnseal = () => expect(vault.requests.filter((r) => r.path === 'sys/init' || r.path === 'sys/unseal')).toEqual([]);

describe('production bootstrap script', () => {
  it('configures mounts, auth, policies and roles with a scoped token from the mounted Secret, seeds nothing, and is idempotent', async () => {
    const token = vault.addToken({ policies: ['default', 'secretops-bootstrap'], ttl: 900, capabilities: scopedCapabilities() });
    const tokenFile = writeFiles({ token: `${token}\n` }).token!;
    const first = await run({ BOOTSTRAP_TOKEN_FILE: tokenFile });
    expect(first.stderr, first.stdout).toBe('');
    expect(first.code).toBe(0);
    const { state } = vault;
    expect(state.mounts.get('secret')).toEqual({ type: 'kv', options: { version: '2' } });
    expect(state.auth.get('kubernetes')?.config).toEqual({ kubernetes_host: 'https://kubernetes.default.svc:443' });
    for (const p of plan.policies) expect(state.policies.get(p.name)).toBe(p.body.policy);
    expect(plan.policies.map((p) => p.name)).toContain('secretops-production-agents');
    for (const r of plan.roles) expect(state.auth.get('kubernetes')!.roles.get(r.name)).toMatchObject(r.body);
    expect(state.kv.size).toBe(0);
    expect(vault.writes().filter((w) => w.path.startsWith('secret/'))).toEqual([]);
    expect(first.stdout).toContain('the bootstrap token has every capability the plan needs');
    expect(first.stdout).toContain('bootstrap token expires in 900s');

    const before = vault.writes().length;
    const second = await run({ BOOTSTRAP_TOKEN_FILE: tokenFile });
    expect(second.code).toBe(0);
    expect(vault.writes().slice(before)).toEqual([]);
    expect(second.stdout).toContain('done: nothing to change');
    neverInitOrUnseal();
    expectNoLeak([first.stdout, first.stderr, second.stdout, second.stderr], token);
  });

  it('takes the token from VAULT_TOKEN as well', async () => {
    const token = vault.addToken({ policies: ['secretops-bootstrap'], ttl: 600, capabilities: scopedCapabilities() });
    const r = await run({ VAULT_TOKEN: token, BOOTSTRAP_TOKEN_FILE: '/nonexistent' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('using the bootstrap token from VAULT_TOKEN');
    expectNoLeak([r.stdout, r.stderr], token);
  });

  it('refuses a root token before changing anything', async () => {
    const r = await run({ VAULT_TOKEN: vault.state.rootToken! });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('refusing a root token');
    expect(vault.writes()).toEqual([]);
    neverInitOrUnseal();
    expectNoLeak([r.stdout, r.stderr], vault.state.rootToken!);
  });

  it('stops with a clear message naming every missing capability, before any write', async () => {
    const token = vault.addToken({
      policies: ['secretops-bootstrap'],
      ttl: 600,
      capabilities: scopedCapabilities([
        { path: 'sys/auth/kubernetes', capability: 'sudo' },
        { path: 'sys/policies/acl/secretops-production-graph', capability: 'update' },
        { path: 'sys/policies/acl/secretops-production-graph', capability: 'create' },
      ]),
    });
    const r = await run({ VAULT_TOKEN: token });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the bootstrap token lacks these capabilities');
    expect(r.stderr).toContain('  sys/auth/kubernetes: sudo\n');
    expect(r.stderr).toContain('  sys/policies/acl/secretops-production-graph: create, update\n');
    expect(r.stderr).toContain('nothing was changed');
    expect(vault.writes()).toEqual([]);
    expectNoLeak([r.stdout, r.stderr], token);
  });

  it('stops when the token is expired or unknown', async () => {
    const r = await run({ VAULT_TOKEN: 'hvs.not-a-known-token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Vault refused the bootstrap token (HTTP 403)');
    expect(vault.writes()).toEqual([]);
  });

  it('stops without a token, naming the Secret to provision', async () => {
    const r = await run({ BOOTSTRAP_TOKEN_FILE: '/nonexistent/token' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no bootstrap token: provision the Secret vault/vault-bootstrap-token (key token)');
    expect(vault.requests).toEqual([]);
  });

  it('never initializes or unseals: an uninitialized or sealed Vault stops the Job', async () => {
    const token = vault.addToken({ policies: ['secretops-bootstrap'], capabilities: scopedCapabilities() });
    vault.state.sealed = true;
    const sealed = await run({ VAULT_TOKEN: token });
    expect(sealed.code).toBe(1);
    expect(sealed.stderr).toContain('is sealed: KMS auto-unseal has not unsealed it');
    const fresh = await startVaultStandIn();
    try {
      const r = await runScript(paths['bootstrap.sh']!, { VAULT_ADDR: fresh.url, BOOTSTRAP_CONFIG: paths['bootstrap.json']!, VAULT_TOKEN: token });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('is not initialized: run the init ceremony');
      expect(fresh.requests.map((q) => q.path)).toEqual(['sys/health']);
    } finally {
      await fresh.close();
    }
    neverInitOrUnseal();
    expect(vault.writes()).toEqual([]);
  });

  it('refuses to take over a mount of another kind at the catalog KV path', async () => {
    vault.state.mounts.set('secret', { type: 'kv', options: { version: '1' } });
    const token = vault.addToken({ policies: ['secretops-bootstrap'], ttl: 600, capabilities: scopedCapabilities() });
    const r = await run({ VAULT_TOKEN: token });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('secret/ is enabled as kv v1; secretops needs KV v2 there');
    expect(vault.writes()).toEqual([]);
  });

  it('runs against a standby node (HTTP 429 from sys/health), which forwards to the active one', async () => {
    vault.state.standby = true;
    const token = vault.addToken({ policies: ['secretops-bootstrap'], ttl: 600, capabilities: scopedCapabilities() });
    const r = await run({ VAULT_TOKEN: token });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    neverInitOrUnseal();
  });
});
