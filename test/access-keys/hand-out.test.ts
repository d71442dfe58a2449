import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesApiStandIn, writeKubeconfig } from '../stand-ins/kubernetes-api';
import { canary, expectNoLeak } from '../support/canary';
import { runSecretops } from '../support/cli';
import { exampleProject, tempDir } from '../support/tmp';

const SCOPE_FLAGS = ['--run-id', 'run-5', '--project', 'ameide', '--namespace', 'ai-slot-1', '--env', 'ai', '--mode', 'agent'];
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

const servers: KubernetesApiStandIn[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.stop();
});

/** The example project with a file store for records and a Kubernetes stand-in for the run's Secret. */
async function project() {
  const cwd = exampleProject();
  const api = await new KubernetesApiStandIn({ token: 'hand-out' }).start();
  servers.push(api);
  const env = { SECRETOPS_SEED: canary('seed-for-hand-out-tests'), KUBECONFIG: writeKubeconfig(tempDir(), api), SECRETOPS_ACTOR: 'ci' };
  const cli = (argv: string[]) => runSecretops(['access-key', ...argv], { cwd, env });
  const records = () =>
    readdirSync(join(cwd, '.secretops', 'access-keys'), { withFileTypes: true })
      .filter((e) => e.name.endsWith('.json'))
      .map((e) => JSON.parse(readFileSync(join(cwd, '.secretops', 'access-keys', e.name), 'utf8')).record as { id: string; status: string; expiresAt: string });
  const active = async () => JSON.parse((await cli(['status', '--format', 'json'])).stdout).accessKeys.filter((k: { status: string }) => k.status === 'active');
  return { cwd, api, cli, records, active };
}

describe('access-key hand-out: only our Secrets, and storage and hand-out together', () => {
  it('--output-secret refuses a Secret someone else created (or another run\'s), changes nothing and issues nothing', async () => {
    const { api, cli, active } = await project();
    const password = canary('keycloak-admin-password');
    api.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'keycloak-admin', namespace: 'ai-slot-1' }, data: { KEYCLOAK_ADMIN_PASSWORD: b64(password) } });
    const r = await cli(['issue', ...SCOPE_FLAGS, '--output-secret', 'keycloak-admin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Secret ai-slot-1/keycloak-admin exists and it was not created by secretops access-key (no run-access-key labels); secretops did not change it');
    expect((api.object('v1', 'Secret', 'ai-slot-1', 'keycloak-admin')!.data as Record<string, string>)).toEqual({ KEYCLOAK_ADMIN_PASSWORD: b64(password) });
    expect(api.writes()).toHaveLength(0);
    expect(await active()).toEqual([]);

    // Our own Secret of another run is not taken over either.
    expect((await cli(['issue', ...SCOPE_FLAGS.map((f) => (f === 'run-5' ? 'run-6' : f)), '--output-secret', 'shared-key'])).code).toBe(0);
    const other = await cli(['issue', ...SCOPE_FLAGS, '--output-secret', 'shared-key']);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('Secret ai-slot-1/shared-key exists and it holds the key of another run');
    expect((await active()).map((k: { scope: { runId: string } }) => k.scope.runId)).toEqual(['run-6']);
    // The run's own Secret is replaced on regenerate, as before.
    const own = await cli(['issue', ...SCOPE_FLAGS, '--output-secret']);
    expect(own.code, own.stderr).toBe(0);
    expectNoLeak([r.stdout, r.stderr, other.stdout, other.stderr, own.stdout, own.stderr], password);
  });

  it('a hand-out that fails after the key was stored revokes it: no active key nobody holds', async () => {
    const { cwd, api, cli, active, records } = await project();
    api.fail({ status: 403, match: (q) => q.method === 'POST' && q.path === '/api/v1/namespaces/ai-slot-1/secrets', times: 1 });
    const r = await cli(['issue', ...SCOPE_FLAGS, '--output-secret']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Kubernetes API answered 403 when trying to write Secret secretops-run-key-run-5');
    expect(r.stdout).toBe('');
    expect(await active()).toEqual([]);
    expect(records().map((x) => x.status)).toEqual(['revoked']);
    const audit = readFileSync(join(cwd, '.secretops', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit.map((e) => `${e.action}:${e.outcome}`)).toEqual(['issue:failed']);
    expect(audit[0]).toMatchObject({ reason: 'hand-out failed; the new key was revoked' });
  });

  it('--output-file into a missing folder or onto a folder issues nothing and leaves no temp file', async () => {
    const { cwd, cli } = await project();
    const missing = await cli(['issue', ...SCOPE_FLAGS, '--output-file', 'no-such-dir/run.key']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no-such-dir/run.key: cannot write the key file: its folder does not exist; no key was issued');
    mkdirSync(join(cwd, 'keys'));
    const folder = await cli(['issue', ...SCOPE_FLAGS, '--output-file', 'keys']);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('keys: cannot write the key file: the path is a folder; no key was issued');
    expect(readdirSync(join(cwd, 'keys'))).toEqual([]);
    expect(readdirSync(cwd).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await cli(['status'])).stdout).toBe('no access keys\n');

    // Regenerate with a bad hand-out revokes nothing: the old key stays the run's key.
    const ok = await cli(['issue', ...SCOPE_FLAGS, '--output-file', 'keys/run.key']);
    expect(ok.code, ok.stderr).toBe(0);
    const key = readFileSync(join(cwd, 'keys', 'run.key'), 'utf8').trim();
    const id = key.slice(4, 20);
    const regen = await cli(['regenerate', '--id', id, '--output-file', 'keys']);
    expect(regen.code).toBe(2);
    expect(JSON.parse((await cli(['status', '--id', id, '--format', 'json'])).stdout).accessKeys[0].status).toBe('active');
    expect(readdirSync(join(cwd, 'keys'))).toEqual(['run.key']);
  });

  it('refuses to regenerate an expired key, and to issue for another project than the catalog\'s', async () => {
    const { cwd, cli, records, active } = await project();
    expect((await cli(['issue', ...SCOPE_FLAGS])).code).toBe(0);
    const [rec] = records();
    const file = join(cwd, '.secretops', 'access-keys', `${rec!.id}.json`);
    const content = JSON.parse(readFileSync(file, 'utf8'));
    // Expired long ago, whatever today's date is.
    content.record.expiresAt = '2001-01-01T00:00:00.000Z';
    writeFileSync(file, JSON.stringify(content));
    const regen = await cli(['regenerate', '--id', rec!.id]);
    expect(regen.code).toBe(1);
    expect(regen.stderr).toContain(`access key ${rec!.id} expired at 2001-01-01T00:00:00.000Z and cannot be regenerated`);
    expect(regen.stdout).toBe('');
    expect(records()).toHaveLength(1);
    expect(await active()).toEqual([]);

    const other = await cli(['issue', ...SCOPE_FLAGS.map((f) => (f === 'ameide' ? 'other' : f))]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/services\.yaml:\d+:\d+ \/metadata\/name: --project "other" is not the project of this catalog \("ameide"\)/);
    expect(records()).toHaveLength(1);
  });
});
