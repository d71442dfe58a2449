import { readFileSync } from 'node:fs';
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
    const h = await syncHarness();
    let stderr = '';
    const server = createMcpServer({ io: { env: h.env, cwd: h.dir, stdin: new PassThrough(), stderr: { write: (s: string) => (stderr += s) } }, paths: { servicesFile: join(h.dir, 'services.yaml') } });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(a);
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
    for (const l of stderr.trim().split('\n')) expect(l.length).toBeLessThan(2000);
    expect(texts[0]).toContain(`unknown environment \\"ai-${'A'.repeat(QUOTED_INPUT_MAX - 3)}… (${huge.length} characters)\\"`);
    expect(texts[1]).toContain('(a value that looks like an access key, not shown)');
    expectNoLeak([...texts, audit, stderr], key);
    expect([...texts, audit, stderr].some((t) => t.includes('A'.repeat(QUOTED_INPUT_MAX + 1)))).toBe(false);
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
