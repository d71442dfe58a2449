import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createMcpServer } from '../../lib/mcp/server';
import { canary, expectNoLeak } from '../support/canary';
import { REPO_ROOT } from '../support/tmp';
import { kubeValue, SyncHarness, syncHarness } from '../sync/harness';

interface Connected {
  readonly client: Client;
  readonly stderr: () => string;
  readonly results: unknown[];
  call(name: string, args: Record<string, unknown>): Promise<{ isError?: boolean; structuredContent?: Record<string, unknown> }>;
}

/** The server in-process, driven by the SDK client over linked in-memory transports. */
async function connect(h: SyncHarness, env: NodeJS.ProcessEnv = {}): Promise<Connected> {
  let stderr = '';
  const server = createMcpServer({
    io: { env: { ...h.env, ...env }, cwd: h.dir, stdin: new PassThrough(), stderr: { write: (s: string) => (stderr += s) } },
    paths: { servicesFile: join(h.dir, 'services.yaml') },
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(clientSide);
  await client.listTools();
  const results: unknown[] = [];
  return {
    client,
    stderr: () => stderr,
    results,
    call: async (name, args) => {
      const r = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: Record<string, unknown> };
      results.push(r);
      return r;
    },
  };
}

const AI_TOKEN = {
  project_id: 'ameide',
  repository: 'ameide/ameide',
  environment: 'ai',
  github_secret_name: 'CODEXK8S_API_TOKEN',
  kubernetes_secret_name: 'agents-runtime-credentials',
  kubernetes_namespace: 'ai-slot-1',
  kubernetes_secret_key: 'CODEXK8S_API_TOKEN',
  policy: 'deterministic',
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .map((f) => readFileSync(f, 'utf8'));
}

describe('secretops MCP server', () => {
  it('lists the three tools with their JSON Schemas', async () => {
    const h = await syncHarness();
    const { client } = await connect(h);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['secret.sync.github_k8s', 'secret.resolve', 'secret.plan']);
    const sync = tools[0]!;
    expect(sync.inputSchema.required).toEqual(['project_id', 'repository', 'environment', 'policy']);
    expect(Object.keys(sync.inputSchema.properties!)).toEqual([
      'project_id',
      'repository',
      'environment',
      'github_secret_name',
      'kubernetes_secret_name',
      'kubernetes_namespace',
      'kubernetes_secret_key',
      'policy',
      'idempotency_key',
      'secret_value',
    ]);
    expect(tools[2]!.inputSchema.properties).not.toHaveProperty('secret_value');
    expect(tools.every((t) => t.outputSchema?.type === 'object')).toBe(true);
  });

  it('syncs the ai override key to GitHub and Kubernetes, then replays without writing', async () => {
    const h = await syncHarness();
    const c = await connect(h);
    const r = await c.call('secret.sync.github_k8s', AI_TOKEN);
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ status: 'ok', reused: false, message: 'written', environment: 'ai-slot-1', policy: 'deterministic' });
    expect(r.structuredContent!.targets).toEqual([
      { destination: 'github', target: 'github:ameide/ameide:environment:ai:CODEXK8S_API_TOKEN_AI', name: 'CODEXK8S_API_TOKEN_AI', result: 'created', reason: 'absent on GitHub' },
      { destination: 'kubernetes', target: 'kubernetes:current-context:ai-slot-1/agents-runtime-credentials#CODEXK8S_API_TOKEN_AI', name: 'CODEXK8S_API_TOKEN_AI', result: 'created', reason: 'absent in the Secret' },
    ]);
    const value = h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai');
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(value);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'ai')).toBeUndefined();
    const writes = h.github.secretWrites().length + h.kube.writes().length;

    const replay = await c.call('mcp_secret_sync_env', AI_TOKEN);
    expect(replay.structuredContent).toMatchObject({ status: 'ok', reused: true, message: 'idempotent_replay' });
    expect(h.github.secretWrites().length + h.kube.writes().length).toBe(writes);
    expectNoLeak([JSON.stringify(c.results), c.stderr(), ...filesUnder(join(h.dir, '.secretops'))], value!);
  });

  it('returns a pending approval, and continues with the same idempotency key once approved', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['pending', 'pending', 'approved']);
    const c = await connect(h, { SECRETOPS_APPROVER_URL: approver.url });
    const prod = { ...AI_TOKEN, environment: 'production', kubernetes_namespace: 'production', idempotency_key: 'agent-run-7' };
    const first = await c.call('secret.sync.github_k8s', prod);
    expect(first.structuredContent).toMatchObject({ status: 'pending_approval', reused: false, approval: { status: 'pending', request_id: 'apr-1' } });
    expect((first.structuredContent!.targets as { result: string }[]).map((t) => t.result)).toEqual(['pending', 'pending']);
    expect(h.github.secretWrites()).toHaveLength(0);
    expect(h.kube.writes()).toHaveLength(0);
    const second = await c.call('secret.sync.github_k8s', prod);
    expect(second.structuredContent).toMatchObject({ status: 'pending_approval' });
    const third = await c.call('secret.sync.github_k8s', prod);
    expect(third.structuredContent).toMatchObject({ status: 'ok', message: 'written', approval: { status: 'approved', request_id: 'apr-1' } });
    expect(approver.received).toHaveLength(1);
    expect(approver.received[0]!.body).toMatchObject({ operation: 'secret.sync.github_k8s', environment: 'production', idempotencyKey: 'agent-run-7' });
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN', 'production')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('writes nothing when approval is denied', async () => {
    const h = await syncHarness();
    const approver = await h.approver(['denied']);
    const c = await connect(h, { SECRETOPS_APPROVER_URL: approver.url });
    const r = await c.call('secret.sync.github_k8s', { ...AI_TOKEN, environment: 'production', kubernetes_namespace: 'production' });
    expect(r.structuredContent).toMatchObject({ status: 'denied', message: 'approval denied: nothing was written' });
    expect(h.github.secretWrites()).toHaveLength(0);
    expect(h.kube.writes()).toHaveLength(0);
  });

  it('refuses bad input with a structured error naming the field', async () => {
    const h = await syncHarness();
    const c = await connect(h);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...AI_TOKEN, environment: undefined }, 'environment', /missing required field "environment"/],
      [{ ...AI_TOKEN, color: 'blue' }, 'color', /unknown field "color"/],
      [{ ...AI_TOKEN, policy: 'guess' }, 'policy', /policy must be equal to one of the allowed values/],
      [{ ...AI_TOKEN, environment: 'staging' }, 'environment', /unknown environment "staging"/],
      [{ ...AI_TOKEN, kubernetes_namespace: 'production' }, 'kubernetes_namespace', /does not live in namespace "production" in ai/],
      [{ ...AI_TOKEN, kubernetes_secret_key: undefined }, 'kubernetes_secret_key', /kubernetes_secret_key is required/],
      [{ ...AI_TOKEN, policy: 'provided' }, 'secret_value', /needs secret_value/],
      [{ ...AI_TOKEN, project_id: 'other' }, 'project_id', /unknown project "other"/],
      [{ ...AI_TOKEN, github_secret_name: 'NOT_A_KEY', kubernetes_secret_name: undefined, kubernetes_namespace: undefined, kubernetes_secret_key: undefined }, 'github_secret_name', /not a key of any catalog secret/],
    ];
    for (const [args, field, message] of cases) {
      const r = await c.call('secret.sync.github_k8s', JSON.parse(JSON.stringify(args)));
      expect(r.isError, field).toBe(true);
      const err = (r.structuredContent as { error: { code: string; field: string; pointer: string; message: string } }).error;
      expect(err, field).toMatchObject({ code: 'invalid_input', field, pointer: `/${field}` });
      expect(err.message).toMatch(message);
    }
    expect(h.github.requests).toHaveLength(0);
    expect(h.kube.requests).toHaveLength(0);
    const audit = readFileSync(join(h.dir, '.secretops', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(audit).toHaveLength(cases.length);
    expect(audit[0]).toMatchObject({ component: 'sync', action: 'failure', operation: 'secret.sync.github_k8s', outcome: 'invalid_input', reason: 'environment: missing required field "environment"' });
  });

  it('writes a provided canary value and never shows it in results, logs or audit', async () => {
    const h = await syncHarness();
    const secret = canary();
    const c = await connect(h);
    const provided = { ...AI_TOKEN, policy: 'provided', secret_value: secret };
    const r = await c.call('secret.sync.github_k8s', provided);
    expect(r.structuredContent).toMatchObject({ status: 'ok', message: 'written' });
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(secret);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(secret);
    expect((await c.call('secret.sync.github_k8s', provided)).structuredContent).toMatchObject({ reused: true, message: 'idempotent_replay' });
    // Refusals that carry the value must not echo it either.
    await c.call('secret.sync.github_k8s', { ...provided, policy: 'random' });
    await c.call('secret.sync.github_k8s', { ...provided, kubernetes_namespace: 'production' });
    await c.call('secret.plan', provided);
    h.kube.fail({ status: 500, times: 10 });
    const failing = await c.call('secret.sync.github_k8s', { ...provided, secret_value: `${secret}-2` });
    expect(failing.structuredContent).toMatchObject({ status: 'failed' });
    expect(c.results.filter((x) => (x as { isError?: boolean }).isError)).toHaveLength(3);
    expectNoLeak([JSON.stringify(c.results), c.stderr(), ...filesUnder(join(h.dir, '.secretops'))], secret);
  });

  it('resolves an environment: sources and tiers, no values', async () => {
    const h = await syncHarness();
    const c = await connect(h);
    const r = await c.call('secret.resolve', { environment: 'ai-staging', service: 'oauth2-proxy' });
    expect(r.structuredContent).toMatchObject({ environment: 'ai', alias: 'ai-staging' });
    const first = (r.structuredContent!.resolutions as Record<string, unknown>[])[0]!;
    expect(first).toMatchObject({ service: 'oauth2-proxy', key: 'GITHUB_OAUTH_CLIENT_ID', winner: { tier: 'env-override', sourceKey: 'GITHUB_OAUTH_CLIENT_ID_AI' } });
    const bad = await c.call('secret.resolve', { environment: 'ai', service: 'nope' });
    expect((bad.structuredContent as { error: { field: string } }).error.field).toBe('service');
  });

  it('plans without contacting GitHub or Kubernetes', async () => {
    const h = await syncHarness();
    const c = await connect(h);
    const r = await c.call('secret.plan', { ...AI_TOKEN, environment: 'production', kubernetes_namespace: 'production' });
    expect(r.structuredContent).toMatchObject({
      dry_run: true,
      environment: 'production',
      approval_required: true,
      targets: [
        { destination: 'github', target: 'github:ameide/ameide:environment:production:CODEXK8S_API_TOKEN', name: 'CODEXK8S_API_TOKEN', ledger: 'ledger: never written by secretops' },
        { destination: 'kubernetes', target: 'kubernetes:current-context:production/agents-runtime-credentials#CODEXK8S_API_TOKEN', name: 'CODEXK8S_API_TOKEN', ledger: 'ledger: never written by secretops' },
      ],
    });
    expect(h.github.requests).toHaveLength(0);
    expect(h.kube.requests).toHaveLength(0);
  });

  it('serves the same tools from `secretops mcp` over stdio', async () => {
    const h = await syncHarness();
    const transport = new StdioClientTransport({
      command: join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      args: [join(REPO_ROOT, 'lib', 'cli', 'main.ts'), 'mcp'],
      cwd: h.dir,
      env: { ...(h.env as Record<string, string>), PATH: process.env.PATH ?? '' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['secret.sync.github_k8s', 'secret.resolve', 'secret.plan']);
      const r = (await client.callTool({ name: 'secret.sync.github_k8s', arguments: AI_TOKEN })) as { structuredContent?: Record<string, unknown> };
      expect(r.structuredContent).toMatchObject({ status: 'ok', message: 'written' });
      expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    } finally {
      await client.close();
    }
  });
});
