import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { describe, expect, it } from 'vitest';
import { createMcpServer } from '../../lib/mcp/server';
import { kubeValue, syncHarness } from './harness';

/** The example without its `github: { name: ... }` mappings: six keys named DATABASE_URL. */
function withoutGithubNames(dir: string): void {
  const file = join(dir, 'services.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^ +github: \{ name: [A-Z_]+ \}\n/gm, ''));
}

/** Secret writes per GitHub secret name (`environment:NAME`). */
function writesPerName(paths: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of paths) {
    const m = /\/environments\/([^/]+)\/secrets\/([^/]+)$/.exec(p) ?? /\/actions\/secrets\/([^/]+)$/.exec(p);
    const id = m && m.length === 3 ? `${m[1]}:${m[2]}` : `repository:${m?.[1]}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

const DATABASE_URL_SERVICES = ['agents', 'db-migrations', 'platform', 'threads', 'transformation', 'workflows-runtime'];

describe('GitHub names: one GitHub secret per catalog key', () => {
  it('refuses keys that would share a GitHub secret, at each key, naming the others; writes nothing', async () => {
    const h = await syncHarness();
    withoutGithubNames(h.dir);
    const r = await h.run(['sync', '--env', 'dev', '--to', 'both', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('internal error');
    const lines = r.stderr.split('\n').filter((l) => l.includes('would be written to GitHub secret DATABASE_URL of GitHub environment dev'));
    expect(lines).toHaveLength(6);
    // Positioned: file, line and column of each key, and its JSON pointer.
    expect(lines[0]).toMatch(/^secretops: \S*services\.yaml:\d+:\d+ \/spec\/services\/0\/secrets\/0\/keys\/0: agents\/agents-db-credentials#DATABASE_URL would be written/);
    expect(lines[0]).toContain('db-migrations/db-migrations-credentials#DATABASE_URL, platform/platform-db-credentials#DATABASE_URL, threads/threads-credentials#DATABASE_URL');
    expect(r.stderr).toContain('hint: give each key its own GitHub name: add `github: { name: AGENTS_DATABASE_URL }` to the key');
    expect(h.github.requests).toHaveLength(0);
    expect(h.kube.requests).toHaveLength(0);

    // Selecting one of the keys is refused as well: the other services would overwrite it later.
    const one = await h.run(['sync', '--env', 'dev', '--service', 'threads', '--to', 'github', '--yes']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('threads/threads-credentials#DATABASE_URL would be written to GitHub secret DATABASE_URL');
    // ...and the AI slots, which share the GitHub environment `ai`, the same way.
    const slot = await h.run(['sync', '--env', 'ai-slot-2', '--service', 'agents', '--to', 'github', '--dry-run']);
    expect(slot.code).toBe(2);
    expect(slot.stderr).toContain('would be written to GitHub secret DATABASE_URL of GitHub environment ai');
    // Where nothing collides, the same catalog keeps working: other keys, or Kubernetes only.
    expect((await h.run(['sync', '--env', 'dev', '--service', 'graph', '--to', 'github', '--yes'])).code).toBe(0);
    expect((await h.run(['sync', '--env', 'dev', '--service', 'threads', '--to', 'kubernetes', '--yes'])).code).toBe(0);
    expect(h.github.secretNames('ameide/ameide', 'dev')).toEqual(['NEO4J_PASSWORD']);
  });

  it('refuses a github.name that claims another key\'s name, and a name GitHub would refuse, by position', async () => {
    const h = await syncHarness();
    const file = join(h.dir, 'services.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('github: { name: THREADS_DATABASE_URL }', 'github: { name: REDIS_URL }'));
    const clash = await h.run(['sync', '--env', 'dev', '--service', 'threads', '--to', 'github', '--dry-run']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/services\/5\/secrets\/0\/keys\/0: threads\/threads-credentials#DATABASE_URL would be written to GitHub secret REDIS_URL of GitHub environment dev, which threads\/threads-credentials#REDIS_URL also claims/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('github: { name: REDIS_URL }', 'github: { name: GITHUB_DATABASE_URL }'));
    const bad = await h.run(['sync', '--env', 'dev', '--service', 'threads', '--to', 'github', '--dry-run']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/services\.yaml:\d+:\d+ \/spec\/services\/5\/secrets\/0\/keys\/0\/github\/name/);
  });

  it('first run writes each GitHub secret once; a converged sync writes nothing; AI slots share one GitHub environment', async () => {
    const h = await syncHarness();
    const first = await h.run(['sync', '--env', 'dev', '--to', 'both', '--yes']);
    expect(first.code, first.stderr).toBe(0);
    const writes = h.github.secretWrites();
    const perName = writesPerName(writes.map((w) => w.path));
    expect([...perName.values()].every((n) => n === 1)).toBe(true);
    expect(perName.size).toBe(writes.length);
    const names = h.github.secretNames('ameide/ameide', 'dev');
    for (const s of DATABASE_URL_SERVICES) expect(names).toContain(`${s.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`);
    expect(names).not.toContain('DATABASE_URL');
    // Each service's GitHub secret holds that service's value, the one its Kubernetes Secret holds.
    const values = DATABASE_URL_SERVICES.map((s) => h.github.secret('ameide/ameide', `${s.toUpperCase().replace(/-/g, '_')}_DATABASE_URL`, 'dev'));
    expect(new Set(values).size).toBe(6);
    expect(values[0]).toBe(kubeValue(h.kube, 'dev', 'agents-db-credentials', 'DATABASE_URL'));
    expect(values[3]).toBe(kubeValue(h.kube, 'dev', 'threads-credentials', 'DATABASE_URL'));

    // Converged: the same run again, or another idempotency key, writes nothing anywhere.
    const ghWrites = h.github.secretWrites().length;
    const kubeWrites = h.kube.writes().length;
    for (const extra of [[], ['--idempotency-key', 'another-run']]) {
      const again = await h.run(['sync', '--env', 'dev', '--to', 'both', '--yes', ...extra]);
      expect(again.code).toBe(0);
      expect(again.stdout).not.toMatch(/^(created|updated) /m);
      expect(h.github.secretWrites()).toHaveLength(ghWrites);
      expect(h.kube.writes()).toHaveLength(kubeWrites);
    }

    // AI slots: the first slot writes each GitHub secret of `ai` once; the second slot finds them
    // converged and writes only its own namespace; running the first slot again writes nothing.
    const slot1 = await h.run(['sync', '--env', 'ai-slot-1', '--to', 'both', '--yes']);
    expect(slot1.code, slot1.stderr).toBe(0);
    const aiWrites = h.github.secretWrites().slice(ghWrites);
    expect([...writesPerName(aiWrites.map((w) => w.path)).values()].every((n) => n === 1)).toBe(true);
    expect(h.github.secretNames('ameide/ameide', 'ai')).toContain('AGENTS_DATABASE_URL');
    const afterSlot1 = h.github.secretWrites().length;
    const slot2 = await h.run(['sync', '--env', 'ai-slot-2', '--to', 'both', '--yes']);
    expect(slot2.code, slot2.stderr).toBe(0);
    expect(h.github.secretWrites()).toHaveLength(afterSlot1);
    expect(slot2.stdout).toMatch(/^created +kubernetes:current-context:ai-slot-2\//m);
    expect(slot2.stdout).not.toMatch(/^(created|updated) +github:/m);
    expect(kubeValue(h.kube, 'ai-slot-2', 'agents-db-credentials', 'DATABASE_URL')).toBe(h.github.secret('ameide/ameide', 'AGENTS_DATABASE_URL', 'ai'));
    const kubeAfter = h.kube.writes().length;
    const again1 = await h.run(['sync', '--env', 'ai-slot-1', '--to', 'both', '--yes']);
    expect(again1.code).toBe(0);
    expect(h.github.secretWrites()).toHaveLength(afterSlot1);
    expect(h.kube.writes()).toHaveLength(kubeAfter);
  });

  it('AI slots with random values: another slot cannot change the GitHub secret one slot wrote', async () => {
    const h = await syncHarness();
    const key = ['--service', 'agents-runtime', '--key', 'CODEXK8S_API_TOKEN', '--yes', '--policy', 'random'];
    const env = { SECRETOPS_SEED: '' };
    expect((await h.run(['sync', '--env', 'ai-slot-1', ...key, '--to', 'both'], { env })).code).toBe(0);
    const v1 = h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai');
    const writes = h.github.secretWrites().length + h.kube.writes().length;
    const slot2 = await h.run(['sync', '--env', 'ai-slot-2', ...key, '--to', 'both'], { env });
    expect(slot2.code).toBe(1);
    expect(slot2.stdout).toMatch(/^failed +github:ameide\/ameide:environment:ai:CODEXK8S_API_TOKEN_AI .*is shared by every slot of ai and holds the value ai-slot-1 wrote; a random value from ai-slot-2 would change it under ai-slot-1/m);
    expect(slot2.stdout).toMatch(/^failed +kubernetes:current-context:ai-slot-2\//m);
    expect(h.github.secretWrites().length + h.kube.writes().length).toBe(writes);
    expect(h.github.secret('ameide/ameide', 'CODEXK8S_API_TOKEN_AI', 'ai')).toBe(v1);
    expect(kubeValue(h.kube, 'ai-slot-1', 'agents-runtime-credentials', 'CODEXK8S_API_TOKEN_AI')).toBe(v1);
    // The slot that wrote it can still replay or rotate; the other slot can write its own namespace.
    expect((await h.run(['sync', '--env', 'ai-slot-1', ...key, '--to', 'both'], { env })).stdout).toMatch(/^idempotent_replay +github:/m);
    expect((await h.run(['sync', '--env', 'ai-slot-2', ...key, '--to', 'kubernetes'], { env })).code).toBe(0);
    // Deterministic values are the same for every slot: no refusal.
    expect((await h.run(['sync', '--env', 'ai-slot-3', '--service', 'agents-runtime', '--key', 'CODEXK8S_WEBHOOK_SECRET', '--to', 'both', '--yes'])).code).toBe(0);
  });

  it('MCP: a key is named by its GitHub name; a bare shared key name is ambiguous, not the first match', async () => {
    const h = await syncHarness();
    const server = createMcpServer({ io: { env: h.env, cwd: h.dir, stdin: new PassThrough() }, paths: { servicesFile: join(h.dir, 'services.yaml') } });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(b);
    const client = new Client({ name: 't', version: '1' });
    await client.connect(a);
    const call = async (args: Record<string, unknown>) =>
      ((await client.callTool({ name: 'secret.sync.github_k8s', arguments: { project_id: 'ameide', repository: 'ameide/ameide', environment: 'dev', policy: 'deterministic', ...args } })) as { structuredContent: Record<string, any> }).structuredContent;
    const ambiguous = await call({ github_secret_name: 'DATABASE_URL' });
    expect(ambiguous.error).toMatchObject({ code: 'invalid_input', field: 'github_secret_name' });
    expect(ambiguous.error.message).toContain('"DATABASE_URL" is a key of 6 catalog secrets: agents/agents-db-credentials#DATABASE_URL (GitHub name AGENTS_DATABASE_URL)');
    const byName = await call({ github_secret_name: 'THREADS_DATABASE_URL' });
    expect(byName).toMatchObject({ status: 'ok', targets: [{ target: 'github:ameide/ameide:environment:dev:THREADS_DATABASE_URL', name: 'DATABASE_URL', result: 'created' }] });
    const both = await call({ github_secret_name: 'THREADS_DATABASE_URL', kubernetes_secret_name: 'threads-credentials', kubernetes_namespace: 'dev', kubernetes_secret_key: 'DATABASE_URL' });
    expect(both.status).toBe('ok');
    expect(h.github.secret('ameide/ameide', 'THREADS_DATABASE_URL', 'dev')).toBe(kubeValue(h.kube, 'dev', 'threads-credentials', 'DATABASE_URL'));
    expect(h.github.secretNames('ameide/ameide', 'dev')).toEqual(['THREADS_DATABASE_URL']);
    await client.close();
  });
});
