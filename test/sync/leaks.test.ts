import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canary, expectNoLeak } from '../support/canary';
import { kubeValue, syncHarness } from './harness';

/** Every file under a folder, as text. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'));
}

const KEY = ['--env', 'ai-slot-1', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN'];

describe('a provided value never leaves the targets', () => {
  it('reaches GitHub and Kubernetes but no output, audit, ledger or approver request', async () => {
    const h = await syncHarness();
    const secret = canary();
    const approver = await h.approver(['approved']);
    const runs = [
      await h.run(['sync', ...KEY, '--to', 'both', '--yes', '--policy', 'provided', '--value-from-env', 'NEW_TOKEN'], { env: { NEW_TOKEN: secret } }),
      await h.run(['sync', ...KEY, '--to', 'both', '--yes', '--policy', 'provided'], { stdin: `${secret}\n` }),
      await h.run(['sync', '--env', 'production', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN', '--to', 'both', '--policy', 'provided', '--format', 'json'], { stdin: secret, env: { SECRETOPS_APPROVER_URL: approver.url } }),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[1]!.stdout).toContain('idempotent_replay');
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(secret);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'production')).toBe(secret);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(secret);
    expectNoLeak([...runs.flatMap((r) => [r.stdout, r.stderr]), ...filesUnder(join(h.dir, '.secretops')), ...approver.rawBodies], secret);
  });

  it('stays out of error messages when GitHub and Kubernetes refuse', async () => {
    const h = await syncHarness();
    const secret = canary();
    h.github.fail({ status: 422, match: (r) => r.method === 'PUT' && r.path.includes('/secrets/') });
    h.kube.fail({ status: 403, reason: 'Forbidden', match: (r) => r.method === 'POST' });
    const r = await h.run(['sync', ...KEY, '--to', 'both', '--yes', '--policy', 'provided', '--value-from-env', 'V'], { env: { V: secret } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed .*kubernetes.*403 Forbidden/m);
    expect(r.stdout).toMatch(/^failed .*github.*422/m);
    expectNoLeak([r.stdout, r.stderr, ...filesUnder(join(h.dir, '.secretops'))], secret);
  });

  it('is refused on argv: there is no flag that takes a value', async () => {
    const h = await syncHarness();
    const r = await h.run(['sync', ...KEY, '--to', 'github', '--yes', '--policy', 'provided', '--value', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--value'");
  });
});
