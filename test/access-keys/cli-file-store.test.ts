import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSecretops } from '../support/cli';
import { canary, expectNoLeak } from '../support/canary';
import { exampleProject } from '../support/tmp';
import { ACCESS_KEY_PATTERN } from '../../lib/access-keys/key-format';

const SCOPE_FLAGS = ['--run-id', 'run-7', '--project', 'ameide', '--namespace', 'ai-slot-2', '--env', 'ai', '--mode', 'agent'];

/** The example project with a file store in its .secretops/ folder. */
function project() {
  const cwd = exampleProject();
  const seed = canary('seed-for-access-keys');
  const env = { SECRETOPS_SEED: seed, SECRETOPS_ACTOR: 'ci-bot' };
  const cli = (argv: string[], extra: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) =>
    runSecretops(['access-key', ...argv], { cwd, env: { ...env, ...extra.env }, stdin: extra.stdin });
  return { cwd, cli, seed, audit: () => readFileSync(join(cwd, '.secretops', 'audit.jsonl'), 'utf8') };
}

describe('secretops access-key finds the catalog like the other commands', () => {
  it('in a subfolder of the repository it reads services.yaml upward to the git root (TTLs, environments, namespaces)', async () => {
    const { cwd, cli } = project();
    execFileSync('git', ['init', '-q'], { cwd });
    mkdirSync(join(cwd, 'apps', 'web'), { recursive: true });
    const sub = (argv: string[]) => runSecretops(['access-key', ...argv], { cwd: join(cwd, 'apps', 'web'), env: { SECRETOPS_SEED: canary('seed-for-access-keys'), SECRETOPS_STATE_DIR: join(cwd, '.secretops') } });
    const issued = await sub(['issue', ...SCOPE_FLAGS, '--ttl', '2h']);
    expect(issued.stderr).toMatch(/issued access key [0-9a-f]{16} for run run-7 in ai-slot-2/);
    expect(issued.code).toBe(0);
    // The catalog's rules apply: a namespace of another environment is refused by name.
    const wrong = await sub(['issue', ...SCOPE_FLAGS.map((f) => (f === 'ai-slot-2' ? 'production' : f))]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('namespace "production" is not a namespace of environment "ai"');
    expect(wrong.stderr).toContain(join(cwd, 'services.yaml'));
    // From the project folder itself, the same catalog.
    expect((await cli(['issue', ...SCOPE_FLAGS])).code).toBe(0);
  });
});

describe('secretops access-key with the file store', () => {
  it('issues, verifies, regenerates, revokes and reports status, with full audit and no leak', async () => {
    const { cwd, cli, audit, seed } = project();
    const issued = await cli(['issue', ...SCOPE_FLAGS, '--ttl', '2h']);
    expect(issued.code, issued.stderr).toBe(0);
    const key = issued.stdout.trim();
    expect(key.match(ACCESS_KEY_PATTERN)).toEqual([key]);
    expect(issued.stderr).toMatch(/issued access key [0-9a-f]{16} for run run-7 in ai-slot-2, expires/);
    const id = /access key ([0-9a-f]{16})/.exec(issued.stderr)![1]!;

    const ok = await cli(['verify', ...SCOPE_FLAGS], { stdin: key + '\n' });
    expect(ok).toMatchObject({ code: 0, stdout: `allow: key ${id} is valid for run run-7\n` });
    const wrongRun = await cli(['verify', ...SCOPE_FLAGS.map((f) => (f === 'run-7' ? 'run-8' : f))], { env: { SECRETOPS_RUN_ACCESS_KEY: key } });
    expect(wrongRun).toMatchObject({ code: 1, stdout: 'deny: scope_mismatch:runId\n' });

    const regen = await cli(['regenerate', '--id', id, '--format', 'json']);
    expect(regen.code, regen.stderr).toBe(0);
    const { key: key2, accessKey } = JSON.parse(regen.stdout);
    expect(accessKey).toMatchObject({ replaces: id, status: 'active', scope: { runId: 'run-7', namespace: 'ai-slot-2' } });
    expect((await cli(['verify', ...SCOPE_FLAGS], { stdin: key })).stdout).toBe('deny: revoked\n');
    expect((await cli(['verify', ...SCOPE_FLAGS], { stdin: key2 })).code).toBe(0);

    const st = await cli(['status', '--run-id', 'run-7']);
    expect(st.code).toBe(0);
    expect(st.stdout).toMatch(new RegExp(`${id}\\s+run-7\\s+ai-slot-2\\s+ai\\s+agent\\s+revoked`));
    expect(st.stdout).toMatch(new RegExp(`${accessKey.id}\\s+run-7\\s+ai-slot-2\\s+ai\\s+agent\\s+active\\s+\\S+\\s+20`));

    const rv = await cli(['revoke', '--run-id', 'run-7']);
    expect(rv).toMatchObject({ code: 0 });
    expect(rv.stdout).toContain('revoked 1 key\n');
    expect((await cli(['verify', ...SCOPE_FLAGS], { stdin: key2 })).stdout).toBe('deny: revoked\n');

    const lines = audit().trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.action}:${l.outcome}`)).toEqual([
      'issue:success', 'authorize:allow', 'authorize:deny', 'regenerate:success', 'authorize:deny', 'authorize:allow', 'revoke:success', 'authorize:deny',
    ]);
    expect(lines[0]).toMatchObject({ actor: 'ci-bot', keyId: id });
    expect(statSync(join(cwd, '.secretops', 'audit.jsonl')).mode & 0o777).toBe(0o600);
    const outputs = [audit(), st.stdout, st.stderr, rv.stdout, regen.stderr, issued.stderr];
    expectNoLeak(outputs, key);
    expectNoLeak([audit(), st.stdout], key2);
    const store = readdirSync(join(cwd, '.secretops', 'access-keys')).map((f) => readFileSync(join(cwd, '.secretops', 'access-keys', f), 'utf8'));
    expectNoLeak([...outputs, ...store], seed);
    for (const k of [key, key2]) expectNoLeak(store, k);
  });

  it('writes the key to a 0600 file instead of stdout', async () => {
    const { cwd, cli } = project();
    const r = await cli(['issue', ...SCOPE_FLAGS, '--output-file', 'run.key']);
    expect(r.code, r.stderr).toBe(0);
    const key = readFileSync(join(cwd, 'run.key'), 'utf8').trim();
    expect(key.match(ACCESS_KEY_PATTERN)).toEqual([key]);
    expect(statSync(join(cwd, 'run.key')).mode & 0o777).toBe(0o600);
    expectNoLeak([r.stdout, r.stderr], key);
    expect((await cli(['verify', ...SCOPE_FLAGS, '--key-file', 'run.key'])).code).toBe(0);
  });

  it('refuses bad input with a message and no stack', async () => {
    const { cwd, cli } = project();
    const cases: [string[], number, RegExp][] = [
      [['issue', ...SCOPE_FLAGS, '--ttl', '13h'], 2, /--ttl 13h exceeds the maximum of 12h/],
      [['issue', ...SCOPE_FLAGS.map((f) => (f === 'ai' ? 'production' : f))], 1, /services\.yaml: environment "production" does not allow run-scoped bypass access/],
      [['issue', ...SCOPE_FLAGS.map((f) => (f === 'ai' ? 'nowhere' : f))], 2, /unknown environment "nowhere"/],
      [['issue', ...SCOPE_FLAGS.map((f) => (f === 'ai-slot-2' ? 'ai-slot-9' : f))], 2, /namespace "ai-slot-9" is not a namespace of environment "ai"[\s\S]*ai-slot-1, ai-slot-2, ai-slot-3/],
      [['issue', '--project', 'ameide', '--namespace', 'ai-slot-1', '--env', 'ai', '--mode', 'agent'], 2, /scope field runId is required\n  hint: pass --run-id/],
      [['revoke', '--id', '0123456789abcdef'], 1, /access key 0123456789abcdef not found in file store/],
      [['revoke'], 2, /exactly one of --id and --run-id/],
      [['status', '--id', '../../etc/passwd'], 2, /is not an access key id/],
      [['status', '--store', 'vault'], 2, /--store must be one of file, kubernetes/],
      [['status', '--store', 'kubernetes'], 2, /needs the namespace of the run/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await cli(argv);
      expect([r.code, r.stderr], argv.join(' ')).toEqual([code, expect.stringMatching(message)]);
      expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
    }
    const noSeed = await runSecretops(['access-key', 'status'], { cwd, env: {} });
    expect(noSeed).toMatchObject({ code: 2, stderr: expect.stringMatching(/SECRETOPS_SEED is not set/) });
  });

  it('never echoes a key pasted where an id or run id belongs', async () => {
    const { cli } = project();
    const key = (await cli(['issue', ...SCOPE_FLAGS])).stdout.trim();
    for (const argv of [['status', '--id', key], ['revoke', '--id', key], ['verify', ...SCOPE_FLAGS.map((f) => (f === 'run-7' ? key : f))]]) {
      const r = await cli(argv, { stdin: key });
      expect(r.code, argv[0]).toBe(2);
      expect(r.stderr).toContain('(a value that looks like an access key, not shown)');
      expectNoLeak([r.stdout, r.stderr], key);
    }
  });

  it('reports a damaged record file as a user error naming the file', async () => {
    const { cwd, cli } = project();
    const issued = await cli(['issue', ...SCOPE_FLAGS, '--format', 'json']);
    const { id } = JSON.parse(issued.stdout).accessKey;
    writeFileSync(join(cwd, '.secretops', 'access-keys', `${id}.json`), '{ half');
    const r = await cli(['status']);
    expect(r).toMatchObject({ code: 2, stderr: expect.stringContaining(`${id}.json: access key record cannot be read (invalid JSON)`) });
  });

  it('reads TTL defaults from the catalog', async () => {
    const { cwd, cli } = project();
    const services = join(cwd, 'services.yaml');
    writeFileSync(services, readFileSync(services, 'utf8').replace('defaultTtl: 1h', 'defaultTtl: 15m'));
    const r = await cli(['issue', ...SCOPE_FLAGS, '--format', 'json']);
    const { accessKey } = JSON.parse(r.stdout);
    expect(Date.parse(accessKey.expiresAt) - Date.parse(accessKey.issuedAt)).toBe(15 * 60_000);
  });
});
