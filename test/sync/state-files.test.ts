import { createHmac, hkdfSync } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { exampleProject } from '../support/tmp';
import { kubeValue, SEED, syncHarness } from './harness';

const TOKEN_AI = ['--env', 'ai-slot-1', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN'];
const GH_TARGET = 'github:ameide/ameide:environment:ai:CODEXK8S_API_TOKEN_AI';
const GH_LEDGER = ['.secretops', 'ledger', 'github', 'github%3aameide%2fameide%3aenvironment%3aai%3aCODEXK8S_API_TOKEN_AI.json'];

/** The documented ledger key: HKDF-SHA256 of "seed:" + SECRETOPS_SEED, info "secretops/sync/ledger-fingerprint/v2". */
function ledgerFingerprint(seed: string, value: string): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(`seed:${seed}`), Buffer.alloc(0), 'secretops/sync/ledger-fingerprint/v2', 32));
  return createHmac('sha256', key).update(value).digest('hex');
}

describe('sync state files: damaged, old and per target', () => {
  it('a damaged ledger entry fails its own target, naming the file and what to do; the sibling is written', async () => {
    const h = await syncHarness();
    mkdirSync(join(h.dir, ...GH_LEDGER.slice(0, -1)), { recursive: true });
    writeFileSync(join(h.dir, ...GH_LEDGER), '{"target": "github:amei');
    const r = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('internal error');
    expect(r.stdout).toMatch(new RegExp(`^failed +${GH_TARGET.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*${GH_LEDGER.at(-1)!.replace(/[.%]/g, '\\$&')}: sync ledger entry is not valid JSON \\(damaged or truncated\\) \\(remove `, 'm'));
    expect(r.stdout).toMatch(/^created +kubernetes:current-context:ai-slot-1\/agents-runtime-credentials#CODEXK8S_API_TOKEN_AI +absent in the Secret$/m);
    expect(h.github.secretWrites()).toHaveLength(0);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The dry run names the file the same way, without a stack.
    const plan = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--dry-run']);
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain(`${GH_LEDGER.at(-1)}: sync ledger entry is not valid JSON`);
    expect(plan.stderr).toContain('hint: remove ');
  });

  it('one unreadable destination does not fail its sibling with its reason', async () => {
    const h = await syncHarness();
    h.kube.fail({ status: 500, match: (q) => q.method === 'GET', times: 50 });
    const r = await h.run(['sync', ...TOKEN_AI, '--to', 'both', '--yes']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^failed +kubernetes:.*kubernetes: read secret ai-slot-1\/agents-runtime-credentials failed: 500/m);
    expect(r.stdout).toMatch(/^created +github:ameide\/ameide:environment:ai:CODEXK8S_API_TOKEN_AI +absent on GitHub$/m);
    expect(h.github.secretWrites()).toHaveLength(1);
  });

  it('a damaged pending-approval file names the file and what to do; nothing is written', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['approved']);
    mkdirSync(join(h.dir, '.secretops', 'approvals'), { recursive: true });
    writeFileSync(join(h.dir, '.secretops', 'approvals', 'change-9.json'), 'not json');
    const r = await h.run(['sync', '--env', 'production', '--service', 'agents-runtime', '--to', 'github', '--idempotency-key', 'change-9'], { env: { SECRETOPS_APPROVER_URL: approver.url } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('approvals/change-9.json: pending approval file is not valid JSON (damaged or truncated)');
    expect(r.stderr).toContain('the next run asks the approver again');
    expect(r.stderr).not.toContain('internal error');
    expect(h.github.secretWrites()).toHaveLength(0);
  });

  it('the ledger fingerprint key is purpose-bound; an entry of the old scheme is re-verified, not trusted or crashed on', async () => {
    const h = await syncHarness();
    expect((await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'])).code).toBe(0);
    const value = h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')!;
    const entry = JSON.parse(readFileSync(join(h.dir, ...GH_LEDGER), 'utf8'));
    expect(entry).toMatchObject({ target: GH_TARGET, fingerprintVersion: 'hmac-sha256-hkdf-v2', valueFingerprint: ledgerFingerprint(SEED, value) });
    // Neither the seed itself nor the old construction is the key.
    expect(entry.valueFingerprint).not.toBe(createHmac('sha256', SEED).update(value).digest('hex'));
    expect(entry.valueFingerprint).not.toBe(createHmac('sha256', `seed:${SEED}`).update('secretops/ledger/v1\0').update(value).digest('hex'));

    // An entry written by an older secretops (seed as the key, no fingerprintVersion).
    const { fingerprintVersion: _v, ...old } = { ...entry, valueFingerprint: createHmac('sha256', `seed:${SEED}`).update('secretops/ledger/v1\0').update(value).digest('hex') };
    writeFileSync(join(h.dir, ...GH_LEDGER), JSON.stringify(old));
    const again = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^updated +github:.*present on GitHub but not in the ledger$/m);
    expect(JSON.parse(readFileSync(join(h.dir, ...GH_LEDGER), 'utf8')).fingerprintVersion).toBe('hmac-sha256-hkdf-v2');
    const converged = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes']);
    expect(converged.stdout).toMatch(/^idempotent_replay +github:/m);
    expect(readdirSync(join(h.dir, '.secretops', 'ledger', 'github'))).toHaveLength(1);
  });

  it('one minimum seed length for sync and access keys', async () => {
    const h = await syncHarness();
    const short = 'short-seed-0123456789abcd'; // 25 characters: accepted by access keys before, refused by sync
    const sync = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes'], { env: { SECRETOPS_SEED: short } });
    const random = await h.run(['sync', ...TOKEN_AI, '--to', 'github', '--yes', '--policy', 'random'], { env: { SECRETOPS_SEED: short } });
    const keys = await runSecretops(['access-key', 'issue', '--run-id', 'r1', '--project', 'ameide', '--namespace', 'ai-slot-1', '--env', 'ai', '--mode', 'agent'], { cwd: exampleProject(), env: { SECRETOPS_SEED: short } });
    for (const r of [sync, random, keys]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/SECRETOPS_SEED is too short \(25 characters\) .*; it must have at least 32/);
      expect(r.stderr).not.toContain(short);
    }
    expect(h.github.secretWrites()).toHaveLength(0);
  });
});
