import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createMcpServer } from '../../lib/mcp/server';
import { canary, expectNoLeak } from '../support/canary';
import { editFile } from '../support/edit';
import { CI_SERVICE, syncHarness } from './harness';

const RELEASE = ['--service', 'ci', '--secret', 'ci-release', '--to', 'github'];
const REPO_SECRET_PUT = '/repos/ameide/ameide/actions/secrets/RELEASE_SIGNING_KEY';

async function withCi() {
  const h = await syncHarness();
  appendFileSync(join(h.dir, 'services.yaml'), CI_SERVICE);
  const puts = () => h.github.requests.filter((q) => q.method === 'PUT' && q.path === REPO_SECRET_PUT).length;
  return { h, puts };
}

describe('a repository secret written from several environments', () => {
  it('is refused per key, at the key, when the values differ by environment (deterministic, random): nothing is written', async () => {
    const { h } = await withCi();
    for (const policy of ['deterministic', 'random']) {
      for (const extra of [['--yes'], ['--dry-run']]) {
        const r = await h.run(['sync', '--env', 'dev', ...RELEASE, '--policy', policy, ...extra]);
        expect(r.code, `${policy} ${extra.join(' ')}`).toBe(2);
        expect(r.stderr).not.toContain('internal error');
        const line = r.stderr.split('\n').find((l) => l.includes('would be written to repository secret RELEASE_SIGNING_KEY'));
        // Positioned at the key (file, line, column, JSON pointer), naming every environment that writes it.
        expect(line).toMatch(/^secretops: \S*services\.yaml:\d+:\d+ \/spec\/services\/\d+\/secrets\/0\/keys\/0: ci\/ci-release#RELEASE_SIGNING_KEY would be written/);
        expect(line).toContain(`from environments production, ai and dev, with a different ${policy} value from each`);
        expect(r.stderr).toContain('hint: give the secret a GitHub environment (remove `github: { scope: repository }`');
        expect(r.stderr).toContain('sync it with --policy provided and the same value, which is written once');
      }
    }
    // From another environment, the same refusal: the order of runs decides nothing.
    const ai = await h.run(['sync', '--env', 'ai', ...RELEASE, '--yes']);
    expect(ai.code).toBe(2);
    expect(ai.stderr).toContain('from environments production, ai and dev');
    expect(h.github.requests).toHaveLength(0);
  });

  it('the MCP tools refuse it the same way', async () => {
    const { h } = await withCi();
    const server = createMcpServer({ io: { env: h.env, cwd: h.dir, stdin: new PassThrough() }, paths: { servicesFile: join(h.dir, 'services.yaml') } });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(a);
    for (const name of ['secret.plan', 'secret.sync.github_k8s']) {
      const r = (await client.callTool({ name, arguments: { project_id: 'ameide', repository: 'ameide/ameide', environment: 'dev', github_secret_name: 'RELEASE_SIGNING_KEY', policy: 'deterministic' } })) as { isError?: boolean; structuredContent?: { error: { message: string } } };
      expect(r.isError, name).toBe(true);
      expect(r.structuredContent?.error.message).toContain('would be written to repository secret RELEASE_SIGNING_KEY (github.scope: repository) from environments production, ai and dev');
    }
    expect(h.github.requests).toHaveLength(0);
    await client.close();
  });

  it('one provided value from every environment is written once; the runs converge', async () => {
    const { h, puts } = await withCi();
    const value = canary('release-key');
    const dev = await h.run(['sync', '--env', 'dev', ...RELEASE, '--policy', 'provided', '--yes'], { stdin: `${value}\n` });
    expect(dev.code, dev.stderr).toBe(0);
    expect(h.github.secret('ameide/ameide', 'RELEASE_SIGNING_KEY')).toBe(value);
    const ai = await h.run(['sync', '--env', 'ai', ...RELEASE, '--policy', 'provided', '--yes'], { stdin: `${value}\n` });
    expect(ai.code, ai.stderr).toBe(0);
    expect(ai.stdout).toMatch(/^unchanged .*RELEASE_SIGNING_KEY/m);
    const again = await h.run(['sync', '--env', 'dev', ...RELEASE, '--policy', 'provided', '--yes'], { stdin: `${value}\n` });
    expect(again.code).toBe(0);
    expect(puts()).toBe(1);
    expectNoLeak([dev.stdout, dev.stderr, ai.stdout, ai.stderr, again.stdout, again.stderr], value);
  });

  it('a different provided value from another environment is refused for the key, naming both environments; the secret keeps its value', async () => {
    const { h, puts } = await withCi();
    const first = canary('release-key-dev');
    const other = canary('release-key-ai');
    expect((await h.run(['sync', '--env', 'dev', ...RELEASE, '--policy', 'provided', '--yes'], { stdin: `${first}\n` })).code).toBe(0);
    const ai = await h.run(['sync', '--env', 'ai', ...RELEASE, '--policy', 'provided', '--yes'], { stdin: `${other}\n` });
    expect(ai.code).toBe(1);
    expect(ai.stdout).toMatch(/^failed .*RELEASE_SIGNING_KEY/m);
    expect(ai.stderr).toContain('is a repository secret that dev wrote with another value; a provided value from ai would change it under dev');
    expect(ai.stderr).toContain('give ci-release a GitHub environment by removing github.scope: repository');
    expect(h.github.secret('ameide/ameide', 'RELEASE_SIGNING_KEY')).toBe(first);
    expect(puts()).toBe(1);
    const audit = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"outcome":"failed"');
    const ledger = readdirSync(join(h.dir, '.secretops', 'ledger', 'github')).map((f) => readFileSync(join(h.dir, '.secretops', 'ledger', 'github', f), 'utf8'));
    expect(ledger.map((l) => JSON.parse(l).environment)).toEqual(['dev']);
    for (const v of [first, other]) expectNoLeak([ai.stdout, ai.stderr, audit, ...ledger], v);
  });

  it('a repository secret that each environment writes under its own name is not shared, and syncs deterministically', async () => {
    const { h, puts } = await withCi();
    editFile(h.dir, 'services.yaml', '    keyOverrides:\n', '    keyOverrides:\n      RELEASE_SIGNING_KEY:\n        overrideKeys: { ai: RELEASE_SIGNING_KEY_AI, production: RELEASE_SIGNING_KEY_PRODUCTION }\n');
    const dev = await h.run(['sync', '--env', 'dev', ...RELEASE, '--yes']);
    expect(dev.code, dev.stderr).toBe(0);
    expect((await h.run(['sync', '--env', 'ai', ...RELEASE, '--yes'])).code).toBe(0);
    expect((await h.run(['sync', '--env', 'dev', ...RELEASE, '--yes'])).stdout).toMatch(/^idempotent_replay .*RELEASE_SIGNING_KEY/m);
    expect(h.github.secretNames('ameide/ameide')).toEqual(['RELEASE_SIGNING_KEY', 'RELEASE_SIGNING_KEY_AI']);
    expect(puts()).toBe(1);
  });
});
