import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { canary, expectNoLeak } from '../support/canary';
import { readTree } from '../support/dist';
import { exampleProject } from '../support/tmp';

const edit = (dir: string, from: string | RegExp, to: string) => {
  const file = join(dir, 'services.yaml');
  const text = readFileSync(file, 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`edit did not apply: ${from}`);
  writeFileSync(file, next);
};

describe('secretops synth', () => {
  it('writes dist/ from --services into --out and says how much', async () => {
    const dir = exampleProject();
    const r = await runSecretops(['synth', '--services', 'services.yaml', '--out', 'out'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^out: \d+ objects in \d+ files\n$/);
    expect(existsSync(join(dir, 'out', 'nonprod', 'ai-slot-3', 'agents', 'external-secrets.yaml'))).toBe(true);
  });

  it('refuses a workload that needs a project-level secret, naming the entry and where it is delivered instead', async () => {
    const dir = exampleProject();
    edit(dir, /- name: agents-llm-credentials\n {10}level: platform/, '- name: agents-llm-credentials\n          level: project');
    writeFileSync(join(dir, 'dist-marker'), '');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/services\/0\/secrets\/1\/level: service "agents" runs as a workload but needs project-level secret "agents-llm-credentials"; project-level secrets are delivered as GitHub Actions secrets of ameide\/ameide/);
    expect(r.stderr).toMatch(/hint: .*workload: false/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('refuses a user-level secret in a workload: it is delivered nowhere', async () => {
    const dir = exampleProject();
    edit(dir, /- name: graph-db-credentials\n {10}level: platform/, '- name: graph-db-credentials\n          level: user');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/spec\/services\/3\/secrets\/0\/level: service "graph" runs as a workload but needs user-level secret "graph-db-credentials"; user-level secrets are never delivered anywhere/);
  });

  it('renders nothing for an entry with workload: false', async () => {
    const dir = exampleProject();
    edit(dir, /- name: graph\n {6}scope: environment\n/, '- name: graph\n      scope: environment\n      workload: false\n');
    edit(dir, /- name: graph-db-credentials\n {10}level: platform/, '- name: graph-db-credentials\n          level: project');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect([...readTree(join(dir, 'dist')).keys()].filter((f) => f.includes('/graph/'))).toEqual([]);
  });

  it('refuses deletionPolicy Delete with creationPolicy Merge at the catalog position, and keeps the old dist', async () => {
    const dir = exampleProject();
    expect((await runSecretops(['synth'], { cwd: dir })).code).toBe(0);
    const before = readTree(join(dir, 'dist'));
    edit(dir, /- name: threads\n {6}scope: environment\n/, '- name: threads\n      scope: environment\n      externalSecrets: { creationPolicy: Merge, deletionPolicy: Delete }\n');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/services\/5\/externalSecrets: service "threads": deletionPolicy Delete cannot be combined with creationPolicy Merge/);
    expect(readTree(join(dir, 'dist'))).toEqual(before);
  });

  it('applies catalog ExternalSecret defaults and per-service overrides', async () => {
    const dir = exampleProject();
    edit(dir, /  accessKeys:\n/, '  externalSecrets: { refreshInterval: 15m }\n  accessKeys:\n');
    edit(dir, /- name: minio\n {6}scope: environment\n/, '- name: minio\n      scope: environment\n      externalSecrets: { creationPolicy: Orphan, deletionPolicy: Delete }\n');
    expect((await runSecretops(['synth'], { cwd: dir })).code).toBe(0);
    const minio = readFileSync(join(dir, 'dist', 'nonprod', 'dev', 'minio', 'external-secrets.yaml'), 'utf8');
    expect(minio).toMatch(/refreshInterval: 15m/);
    expect(minio).toMatch(/creationPolicy: Orphan\n\s+deletionPolicy: Delete/);
    const graph = readFileSync(join(dir, 'dist', 'nonprod', 'dev', 'graph', 'external-secrets.yaml'), 'utf8');
    expect(graph).toMatch(/refreshInterval: 15m/);
    expect(graph).toMatch(/creationPolicy: Owner\n\s+deletionPolicy: Retain/);
  });

  it('reports a bad catalog with file, line and column and writes nothing', async () => {
    const dir = exampleProject();
    edit(dir, 'tier: dev', 'tier: devel');
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/environments\/2\/tier/);
    expect(existsSync(join(dir, 'dist'))).toBe(false);
  });

  it('refuses oauth2-proxy ingress auth without an oauth2-proxy singleton, and accepts ingressAuth: none', async () => {
    const dir = exampleProject();
    const file = join(dir, 'services.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, text.indexOf('    - name: oauth2-proxy')));
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\/spec\/environments\/1: environment "ai" puts its ingresses behind oauth2-proxy, but cluster "nonprod" has no oauth2-proxy singleton/);
    expect(r.stderr).toMatch(/\/spec\/environments\/2: environment "dev"/);
    // Production too: its ingresses are protected by default.
    expect(r.stderr).toMatch(/\/spec\/environments\/0: environment "production" puts its ingresses behind oauth2-proxy/);
    edit(dir, 'slots: 3\n', 'slots: 3\n      ingressAuth: none\n');
    edit(dir, 'requireApproval: true\n', 'requireApproval: true\n      ingressAuth: none\n');
    edit(dir, 'domain: dev.ameide.dev\n', 'domain: dev.ameide.dev\n      ingressAuth: none\n');
    const ok = await runSecretops(['synth'], { cwd: dir });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'nonprod', 'ai-slot-1', 'agents', 'ingress.yaml'), 'utf8')).not.toMatch(/auth-url/);
  });

  it.each([['.'], ['..'], ['fixtures']])('refuses to replace a folder that is not synth output (--out %s)', async (out) => {
    const dir = exampleProject();
    const r = await runSecretops(['synth', '--out', out], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`refusing to replace output folder "${out.replace('.', '\\.')}"`));
    expect(existsSync(join(dir, 'services.yaml'))).toBe(true);
    expect(existsSync(join(dir, 'fixtures', 'dev.yaml'))).toBe(true);
  });

  it('never prints a fixture value, and renders one only into the dev bootstrap that seeds Vault with it', async () => {
    const dir = exampleProject();
    const secret = canary('pool');
    const fixtures = join(dir, 'fixtures', 'dev.yaml');
    writeFileSync(fixtures, readFileSync(fixtures, 'utf8').replace('DATABASE_POOL_SIZE: { value: "5" }', `DATABASE_POOL_SIZE: { value: "${secret}" }`));
    const r = await runSecretops(['synth'], { cwd: dir });
    expect(r.code).toBe(0);
    expectNoLeak([r.stdout, r.stderr], secret);
    const tree = readTree(join(dir, 'dist'));
    // Workloads read it from Vault through their ExternalSecret; only the non-production bootstrap's fixture map holds it.
    expect([...tree].filter(([, text]) => text.includes(secret)).map(([file]) => file)).toEqual(['nonprod/_cluster/vault-bootstrap/vault-bootstrap.yaml']);
    expectNoLeak([...tree].filter(([file]) => !file.includes('/_cluster/vault-bootstrap/')).map(([, text]) => text), secret);
  });
});
