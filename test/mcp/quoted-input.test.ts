import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { generateAccessKey } from '../../lib/access-keys/key-format';
import { createMcpServer } from '../../lib/mcp/server';
import { clipInput, quoteInput, QUOTED_INPUT_MAX } from '../../lib/quote-input';
import { expectNoLeak } from '../support/canary';
import { syncHarness } from '../sync/harness';

/** An MCP client connected in memory to a server over a fresh sync harness; `stderr()` is what the server logged. */
async function mcpSession() {
  const h = await syncHarness();
  let stderr = '';
  const server = createMcpServer({ io: { env: h.env, cwd: h.dir, stdin: new PassThrough(), stderr: { write: (s: string) => (stderr += s) } }, paths: { servicesFile: join(h.dir, 'services.yaml') } });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(a);
  return { h, client, stderr: () => stderr };
}

const BASE = { project_id: 'ameide', repository: 'ameide/ameide', environment: 'ai', github_secret_name: 'CODEXK8S_API_TOKEN', policy: 'deterministic' };

describe('input is quoted only after masking and truncation', () => {
  it('quoteInput masks access keys, cuts long input and escapes control characters', () => {
    const key = generateAccessKey().plaintext;
    expect(quoteInput(`prefix ${key}`)).toBe('"(a value that looks like an access key, not shown)"');
    expect(quoteInput('sok_partial')).toBe('"(a value that looks like an access key, not shown)"');
    const long = 'x'.repeat(300_000);
    expect(quoteInput(long)).toBe(JSON.stringify('x'.repeat(QUOTED_INPUT_MAX) + '… (300000 characters)'));
    expect(quoteInput('dev\nsecretops: write created forged')).toBe('"dev\\nsecretops: write created forged"');
    expect(clipInput(undefined)).toBe('');
    expect(clipInput(42)).toBe('(number)');
  });

  it('MCP: a 300 KB or key-shaped input is not echoed into results, audit or stderr', async () => {
    const { h, client, stderr: logged } = await mcpSession();
    const key = generateAccessKey().plaintext;
    const huge = 'ai-' + 'A'.repeat(300 * 1024);
    const calls: [string, Record<string, unknown>][] = [
      ['secret.sync.github_k8s', { ...BASE, environment: huge }],
      ['secret.sync.github_k8s', { ...BASE, environment: key }],
      ['secret.sync.github_k8s', { ...BASE, project_id: huge }],
      ['secret.sync.github_k8s', { ...BASE, github_secret_name: 'A'.repeat(200), kubernetes_secret_name: huge.toLowerCase().slice(0, 200), kubernetes_namespace: 'ai-slot-1', kubernetes_secret_key: 'A'.repeat(200) }],
      ['secret.sync.github_k8s', { ...BASE, [huge]: 1 }],
      ['secret.resolve', { environment: huge }],
      ['secret.resolve', { environment: 'ai', service: key }],
      [huge, {}],
    ];
    const texts: string[] = [];
    for (const [name, args] of calls) {
      const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: { error: { message: string } } };
      expect(r.isError, name.slice(0, 40)).toBe(true);
      const text = JSON.stringify(r);
      texts.push(text);
      expect(text.length, name.slice(0, 40)).toBeLessThan(2000);
    }
    const audit = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8');
    const lines = audit.trim().split('\n');
    expect(lines).toHaveLength(calls.length);
    for (const l of lines) expect(l.length).toBeLessThan(2000);
    for (const l of logged().trim().split('\n')) expect(l.length).toBeLessThan(2000);
    expect(texts[0]).toContain(`unknown environment \\"ai-${'A'.repeat(QUOTED_INPUT_MAX - 3)}… (${huge.length} characters)\\"`);
    expect(texts[1]).toContain('(a value that looks like an access key, not shown)');
    expectNoLeak([...texts, audit, logged()], key);
    expect([...texts, audit, logged()].some((t) => t.includes('A'.repeat(QUOTED_INPUT_MAX + 1)))).toBe(false);
    await client.close();
  });

  it('CLI: sync and resolve quote an unknown environment the same way', async () => {
    const h = await syncHarness();
    const key = generateAccessKey().plaintext;
    for (const argv of [['sync', '--env', 'x'.repeat(5000), '--to', 'github', '--dry-run'], ['resolve', '--env', key]]) {
      const r = await h.run(argv);
      expect(r.code).toBe(2);
      expect(r.stderr.length).toBeLessThan(1000);
      expectNoLeak([r.stdout, r.stderr], key);
    }
  });
});

/**
 * Credentials pasted where a name belongs: a GitHub token, an AWS key id and a generated
 * base64 value must be masked wherever input is echoed (results, errors, stderr, audit), not only
 * access keys. Fixed canaries: each has its format's shape (or, for the base64 one, mixed classes
 * and high entropy), so the test cannot pass by a random draw missing the detector.
 */
const GITHUB_PAT = 'ghp_R7kQ2mXv9LwB4sTn8YdFh3JcU6gA0oPzE1bN';
const GITHUB_FINE_GRAINED = 'github_pat_11ABCDEFG0aB3dE5fG7hJ9_kL1mN3pQ5rS7tV9wX1yZ2a4C6eG8iK0mO2qS4uW6yA8cE0gI2';
const AWS_KEY_ID = 'AKIAQ3EGRIZB7ZKD5XH4';
const RANDOM_BASE64 = 'q7Zr2mXK9vPe4LwB1sTn8YdFh3JcU6gA0oRiEbNk';
const CANARIES = [GITHUB_PAT, GITHUB_FINE_GRAINED, AWS_KEY_ID, RANDOM_BASE64];

function expectNoCanary(texts: readonly string[]): void {
  for (const c of CANARIES) expectNoLeak(texts, c);
  // The distinctive middles too: a clipped echo would keep a token's head.
  for (const t of texts) for (const c of CANARIES) expect(t.includes(c.slice(4, 20)), `part of ${c.slice(0, 4)}... leaked`).toBe(false);
}

describe('token-shaped and random-looking input is masked, not echoed', () => {
  it('clipInput replaces each secret-shaped run and says what it was', () => {
    expect(clipInput(`env-${GITHUB_PAT} tail`)).toBe('env-<masked: token-shaped> tail');
    expect(clipInput(AWS_KEY_ID)).toBe('<masked: token-shaped>');
    expect(clipInput(`prefix ${RANDOM_BASE64}`)).toBe('prefix <masked: random-looking>');
    expect(clipInput(`--token=${RANDOM_BASE64}==`)).toBe('--token=<masked: random-looking>==');
    // A token that the clip would cut in half is masked before the clip.
    expect(clipInput('x'.repeat(70) + ' ' + GITHUB_PAT)).toBe('x'.repeat(70) + ' <masked: token-shaped>'.slice(0, 10) + `… (${71 + GITHUB_PAT.length} characters)`);
    // Names, slots, paths, UUIDs and digests are not secrets and stay readable.
    for (const plain of ['production', 'ai-slot-1', 'platform-shared', '/tmp/x/services.yaml', '0b6e3c7a-8a1f-4f3e-9c2d-1f2e3d4c5b6a']) {
      expect(clipInput(plain)).toBe(plain);
    }
    // `:` ends a run (so `token:<value>` is judged by its value): a digest after `sha256:` is masked too, on the safe side.
    expect(clipInput('sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')).toBe('sha256:<masked: random-looking>');
  });

  it('MCP: canaries in environment and service fields reach no result, stderr or audit record', async () => {
    const { h, client, stderr: logged } = await mcpSession();
    const texts: string[] = [];
    for (const c of CANARIES) {
      for (const [name, args] of [
        ['secret.sync.github_k8s', { ...BASE, environment: c }],
        ['secret.plan', { ...BASE, environment: `ai ${c}` }],
        ['secret.resolve', { environment: c }],
        ['secret.resolve', { environment: 'ai', service: c }],
        ['secret.sync.github_k8s', { ...BASE, github_secret_name: c }],
      ] as [string, Record<string, unknown>][]) {
        const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean };
        expect(r.isError, name).toBe(true);
        texts.push(JSON.stringify(r));
      }
    }
    const audit = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8');
    expect(audit.trim().split('\n')).toHaveLength(CANARIES.length * 5);
    // Masked, and the messages still say which field was wrong and what was there.
    expect(texts[0]).toContain('unknown environment \\"<masked: token-shaped>\\"');
    expect(texts[3 * 5 + 3]).toContain('unknown service \\"<masked: random-looking>\\"');
    expect(audit).toContain('"environment":"<masked: token-shaped>"');
    expectNoCanary([...texts, audit, logged()]);
    await client.close();
  });

  it('CLI: canaries in flag values and arguments are masked in errors and the audit file', async () => {
    const h = await syncHarness();
    const texts: string[] = [];
    for (const c of CANARIES) {
      for (const argv of [
        ['resolve', '--env', c],
        ['resolve', '--env', 'ai', '--service', c],
        ['resolve', '--env', 'ai', '--format', c],
        ['sync', '--env', c, '--to', 'github', '--dry-run'],
        ['sync', '--env', c, '--to', 'github'],
        ['access-key', 'issue', '--env', 'ai', '--project', c, '--run-id', 'r1'],
        ['access-key', 'issue', '--env', 'ai', '--project', 'ameide', '--run-id', 'r1', '--namespace', 'ai-slot-1', '--mode', 'agent', '--ttl', c],
        ['rollout', '--cluster', c],
        ['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--context', c, '--yes'],
        [c],
      ]) {
        const r = await h.run(argv);
        expect(r.code, argv.join(' ').slice(0, 40)).not.toBe(0);
        texts.push(r.stdout, r.stderr);
      }
    }
    expect(texts.join('\n')).toContain('<masked: token-shaped>');
    expect(texts.join('\n')).toContain('<masked: random-looking>');
    const state = join(h.dir, '.secretops');
    const files = existsSync(state) ? readdirSync(state).map((f) => readFileSync(join(state, f), 'utf8')) : [];
    expectNoCanary([...texts, ...files]);
  });
});
