import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createMcpServer } from '../../lib/mcp/server';
import { canary, expectNoLeak } from '../support/canary';
import { syncHarness, type SyncHarness } from './harness';

const PROD_KEY = ['--env', 'production', '--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN'];

async function mcp(h: SyncHarness, env: NodeJS.ProcessEnv) {
  let stderr = '';
  const server = createMcpServer({ io: { env: { ...h.env, ...env }, cwd: h.dir, stdin: new PassThrough(), stderr: { write: (s: string) => (stderr += s) } }, paths: { servicesFile: join(h.dir, 'services.yaml') } });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await server.connect(b);
  const client = new Client({ name: 't', version: '1' });
  await client.connect(a);
  const results: unknown[] = [];
  return {
    stderr: () => stderr,
    results,
    call: async (args: Record<string, unknown>) => {
      const r = (await client.callTool({ name: 'secret.sync.github_k8s', arguments: args })) as { structuredContent: Record<string, any> };
      results.push(r);
      return r.structuredContent;
    },
  };
}

describe('an approval is bound to the values it approves', () => {
  it('CLI: a request approved for value A does not write value B under the same idempotency key', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending']);
    const [a, b] = [canary('value-a'), canary('value-b')];
    const env = { SECRETOPS_APPROVER_URL: approver.url, SECRETOPS_APPROVAL_POLL_MS: '1', SECRETOPS_APPROVAL_TIMEOUT_MS: '30' };
    const args = ['sync', ...PROD_KEY, '--to', 'github', '--policy', 'provided', '--value-from-env', 'THE_VALUE', '--idempotency-key', 'change-7'];

    const first = await h.run(args, { env: { ...env, THE_VALUE: a } });
    expect(first.code).toBe(1);
    expect(approver.received).toHaveLength(1);
    // The approver now approves that request (for A). A run with B must ask anew, not reuse it.
    approver.decided.set('apr-1', 'approved');
    const second = await h.run(args, { env: { ...env, THE_VALUE: b } });
    expect(approver.received).toHaveLength(2);
    expect(second.code).toBe(1);
    expect(second.stdout).toMatch(/^timeout +github:ameide\/ameide:environment:production:CODEXK8S_API_TOKEN/m);
    expect(h.github.secretWrites()).toHaveLength(0);
    const [ra, rb] = approver.received.map((r) => (r.body.writes as { valueDigest: string }[])[0]!.valueDigest);
    expect(ra).toMatch(/^[0-9a-f]{64}$/);
    expect(rb).not.toBe(ra);

    // Value A again: the approver's approved request is for exactly this value, so it is written.
    approver.decided.set('apr-3', 'approved');
    const third = await h.run(args, { env: { ...env, THE_VALUE: a } });
    expect(third.code, third.stdout).toBe(0);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'production')).toBe(a);
    for (const v of [a, b]) expectNoLeak([first.stdout, first.stderr, second.stdout, second.stderr, third.stdout, third.stderr, ...approver.rawBodies], v);
  });

  it('MCP: a changed secret_value needs a new approval, and the automatic idempotency key covers it', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending']);
    const c = await mcp(h, { SECRETOPS_APPROVER_URL: approver.url });
    const [a, b] = [canary('mcp-a'), canary('mcp-b')];
    const base = { project_id: 'ameide', repository: 'ameide/ameide', environment: 'production', github_secret_name: 'CODEXK8S_API_TOKEN', policy: 'provided' };

    // The same idempotency key, another value: a new approval request, and nothing written.
    const first = await c.call({ ...base, secret_value: a, idempotency_key: 'agent-9' });
    expect(first).toMatchObject({ status: 'pending_approval', approval: { request_id: 'apr-1' } });
    approver.decided.set('apr-1', 'approved');
    const swapped = await c.call({ ...base, secret_value: b, idempotency_key: 'agent-9' });
    expect(swapped).toMatchObject({ status: 'pending_approval', approval: { request_id: 'apr-2' } });
    expect(h.github.secretWrites()).toHaveLength(0);

    // Automatic idempotency keys differ with the value and are stable for one value.
    const autoA = await c.call({ ...base, secret_value: a });
    const autoA2 = await c.call({ ...base, secret_value: a });
    const autoB = await c.call({ ...base, secret_value: b });
    expect(autoA.idempotency_key).toMatch(/^auto-/);
    expect(autoA2.idempotency_key).toBe(autoA.idempotency_key);
    expect(autoB.idempotency_key).not.toBe(autoA.idempotency_key);
    expect(h.github.secretWrites()).toHaveLength(0);
    for (const v of [a, b]) expectNoLeak([JSON.stringify(c.results), c.stderr(), ...approver.rawBodies], v);
  });
});

describe('approval policy file and timeout', () => {
  const POLICY = 'apiVersion: secretops.dev/v1alpha1\nkind: ApprovalPolicy\nspec:\n  environments: [dev]\n';

  it('SECRETOPS_APPROVAL_POLICY: absolute and relative paths are read; a path that does not exist is an error', async () => {
    const h = await syncHarness();
    mkdirSync(join(h.dir, 'elsewhere'));
    writeFileSync(join(h.dir, 'elsewhere', 'strict.yaml'), POLICY);
    const plan = ['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--dry-run'];
    const absolute = await h.run(plan, { env: { SECRETOPS_APPROVAL_POLICY: join(h.dir, 'elsewhere', 'strict.yaml') } });
    expect(absolute.code, absolute.stderr).toBe(0);
    expect(absolute.stdout).toContain('approval: required (');
    expect(absolute.stdout).toContain('strict.yaml: environment dev is listed');
    const relative = await h.run(plan, { env: { SECRETOPS_APPROVAL_POLICY: 'elsewhere/strict.yaml' } });
    expect(relative.stdout).toContain('approval: required (');

    for (const missing of ['elsewhere/strcit.yaml', join(h.dir, 'nope', 'approval.yaml')]) {
      const r = await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'kubernetes', '--yes'], { env: { SECRETOPS_APPROVAL_POLICY: missing } });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`secretops: ${missing}: SECRETOPS_APPROVAL_POLICY names an approval policy that does not exist; nothing was planned or written`);
      expect(r.stderr).not.toContain('internal error');
    }
    expect(h.kube.writes()).toHaveLength(0);
    // Without the variable a missing default file still means "only the catalog's requireApproval".
    const none = await h.run(plan);
    expect(none.stdout).toContain('approval: not required');
  });

  it('reports an approval timeout as timeout, in text and JSON, and writes nothing', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending']);
    const env = { SECRETOPS_APPROVER_URL: approver.url, SECRETOPS_APPROVAL_POLL_MS: '1', SECRETOPS_APPROVAL_TIMEOUT_MS: '20' };
    const text = await h.run(['sync', ...PROD_KEY, '--to', 'both'], { env });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^timeout +github:/m);
    expect(text.stdout).toMatch(/^timeout +kubernetes:/m);
    expect(text.stdout).toContain('sync timeout:');
    expect(text.stdout).not.toContain('denied');
    const json = await h.run(['sync', ...PROD_KEY, '--to', 'both', '--format', 'json'], { env });
    const out = JSON.parse(json.stdout);
    expect(out.status).toBe('timeout');
    expect(out.outcomes.map((o: { result: string }) => o.result)).toEqual(['timeout', 'timeout']);
    expect(h.github.secretWrites()).toHaveLength(0);
    expect(h.kube.writes()).toHaveLength(0);
  });
});
