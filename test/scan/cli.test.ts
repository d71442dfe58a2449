import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSecretops } from '../support/cli';
import { fileTree } from '../support/scan';

const project = (files: Record<string, string>) => fileTree(files);

const BROKEN = 'kind: ConfigMap\ndata: [\n';
const NO_REASON = 'kind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    secretops.dev/ignore: parse-error\n';

describe('secretops scan', () => {
  it('exits 0 on a clean tree, 1 on an error finding, and defaults PATH to .', async () => {
    const clean = project({ 'a.yaml': 'kind: ConfigMap\n' });
    expect(await runSecretops(['scan'], { cwd: clean })).toEqual({ code: 0, stdout: 'no findings (1 file, 1 document)\n', stderr: '' });
    const broken = project({ 'a.yaml': 'kind: ConfigMap\n', 'sub/b.yaml': BROKEN });
    const run = await runSecretops(['scan'], { cwd: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      'sub/b.yaml\n  sub/b.yaml:3:1  error    not valid YAML: unexpected end of the stream within a flow collection  parse-error\n\n1 error, 0 warnings (2 files, 2 documents)\n',
    );
  });

  it('exits 0 when every finding is a warning', async () => {
    const run = await runSecretops(['scan', '--format', 'json'], { cwd: project({ 'a.yaml': NO_REASON }) });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['invalid-suppression']);
  });

  it('scans only the PATHs given, and paths are relative to the working directory', async () => {
    const dir = project({ 'a/x.yaml': BROKEN, 'b/y.yaml': BROKEN });
    const run = await runSecretops(['scan', 'b', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(run.stdout).findings.map((f: { file: string }) => f.file)).toEqual(['b/y.yaml']);
  });

  it('exits 2 on bad usage: unknown format, missing path, missing --services', async () => {
    const dir = project({ 'a.yaml': 'a: 1\n' });
    const format = await runSecretops(['scan', '--format', 'xml'], { cwd: dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be one of text, json, sarif, markdown, not "xml"');
    const missing = await runSecretops(['scan', 'nope'], { cwd: dir });
    expect(missing).toMatchObject({ code: 2, stderr: 'secretops: nope: does not exist\n  hint: pass files or directories to scan (default: .)\n' });
    expect((await runSecretops(['scan', '--services', 'none.yaml'], { cwd: dir })).code).toBe(2);
    expect(await runSecretops(['scan', '--config', 'none.yaml'], { cwd: dir })).toMatchObject({
      code: 2,
      stderr: 'secretops: none.yaml: scanner configuration does not exist\n  hint: check the path, or pass another with --config FILE\n',
    });
  });

  it('fails on a manifest over maxFileSize instead of skipping it: a secret cannot hide behind a megabyte of comments', async () => {
    const canary = 'canary-Zq8xWv3LpR7tYb2N';
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${canary}\n`;
    const dir = project({ 'a.yaml': 'a: 1\n', 'big.yaml': `${secret}${'# padding\n'.repeat(120_000)}` });
    const run = await runSecretops(['scan'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('big.yaml:1:1  error    not scanned: larger than maxFileSize (1200097 > 1048576 bytes), so a secret in it would go unseen; split the file or raise maxFileSize  parse-error');
    expect(run.stdout + run.stderr).not.toContain(canary);
    // Raising the limit is the explicit way through: then the Secret itself is found.
    writeFileSync(join(dir, 'secretops.config.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nmaxFileSize: 2000000\n');
    const raised = await runSecretops(['scan', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(raised.stdout).findings.map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['no-inline-secret big.yaml:6']);
  });

  it('fails on a manifest with a NUL byte, and scans UTF-16 with a byte order mark', async () => {
    const canary = 'canary-Hk4Wm9Qs2Vx7Rt1P';
    const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${canary}\n`;
    const dir = project({ 'ok.yaml': 'a: 1\n' });
    writeFileSync(join(dir, 'nul.yaml'), Buffer.concat([Buffer.from(secret), Buffer.from([0])]));
    writeFileSync(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(secret, 'utf16le')]));
    const run = await runSecretops(['scan', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const findings = JSON.parse(run.stdout).findings as { ruleId: string; file: string; line: number; message: string }[];
    expect(findings.map((f) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['parse-error nul.yaml:1', 'no-inline-secret utf16.yaml:6']);
    expect(findings[0]!.message).toContain('NUL byte');
    expect(run.stdout + run.stderr).not.toContain(canary);
  });

  it('colours text only on a terminal, never with NO_COLOR', async () => {
    const dir = project({ 'b.yaml': BROKEN });
    expect((await runSecretops(['scan'], { cwd: dir, tty: true })).stdout).toContain('\u001b[31m');
    expect((await runSecretops(['scan'], { cwd: dir, tty: false })).stdout).not.toContain('\u001b[');
    expect((await runSecretops(['scan'], { cwd: dir, tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });
});

describe('scanner configuration', () => {
  const config = (body: string) => `apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\n${body}`;

  it('picks up ./secretops.config.yaml, and --config wins over it', async () => {
    const dir = project({
      'b.yaml': BROKEN,
      'secretops.config.yaml': config('rules:\n  parse-error: warning\n'),
      'strict.yaml': config('rules:\n  parse-error: error\nexclude: ["strict.yaml"]\n'),
    });
    const repo = await runSecretops(['scan', '--format', 'json'], { cwd: dir });
    expect(repo.code).toBe(0);
    expect(JSON.parse(repo.stdout).findings[0].severity).toBe('warning');
    const flag = await runSecretops(['scan', '--format', 'json', '--config', 'strict.yaml'], { cwd: dir });
    expect(flag.code).toBe(1);
    expect(JSON.parse(flag.stdout).findings[0].severity).toBe('error');
  });

  it('rejects an invalid configuration with file, line and column (exit 2)', async () => {
    const dir = project({
      'a.yaml': 'a: 1\n',
      'secretops.config.yaml': config(
        'rules:\n  parse-error: loud\ncredentialKeys:\n  extraInclude: ["(unclosed"]\nallowlist:\n  - path: x\n    rule: parse-error\n    expires: "2026-02-30"\n    reason: r\n  - path: y\n    rule: parse-error\n    reason: no date\nmaxFileSizes: 3\n',
      ),
    });
    const run = await runSecretops(['scan'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter((l) => l.startsWith('secretops:'))).toEqual([
      'secretops: secretops.config.yaml:4:16 /rules/parse-error: must be one of: error, warning, off',
      'secretops: secretops.config.yaml:6:18 /credentialKeys/extraInclude/0: is not a valid regular expression',
      'secretops: secretops.config.yaml:10:14 /allowlist/0/expires: is not a calendar date',
      'secretops: secretops.config.yaml:12:5 /allowlist/1: missing required field "expires"',
      'secretops: secretops.config.yaml:15:1 /maxFileSizes: unknown field "maxFileSizes"',
    ]);
  });

  it('reports an expired allowlist entry of the configuration in force, even outside the scanned paths', async () => {
    const dir = project({
      'demo/a.yaml': BROKEN,
      'secretops.config.yaml': config('allowlist:\n  - path: "demo/**"\n    rule: parse-error\n    reason: vendored sample\n    expires: "2001-01-01"\n'),
    });
    const run = await runSecretops(['scan', 'demo', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).findings.map((f: { ruleId: string; file: string; line: number }) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual([
      'parse-error demo/a.yaml:3',
      'expired-allowlist secretops.config.yaml:7',
    ]);
  });
});

describe('secretops scan --staged', () => {
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe' }).toString();

  it('scans the staged version of staged files only', async () => {
    const dir = project({ 'staged.yaml': BROKEN, 'sub/also.yaml': 'kind: ConfigMap\n', 'untracked.yaml': BROKEN, 'deleted.yaml': BROKEN });
    git(dir, 'init', '-q');
    git(dir, 'add', 'staged.yaml', 'sub/also.yaml');
    // The working tree is fixed but the index still holds the broken version: that is what will be committed.
    writeFileSync(join(dir, 'staged.yaml'), 'kind: ConfigMap\n');
    const run = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout);
    expect(out.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['staged.yaml:3']);
    expect(out.stats).toMatchObject({ files: 2, documents: 2 });
    // From a subfolder the commit is the same (test/scan/staged.test.ts has more).
    const sub = await runSecretops(['scan', '--staged', '--format', 'json'], { cwd: join(dir, 'sub') });
    expect(sub).toEqual(run);
  });

  it('is a usage error outside a git repository', async () => {
    const run = await runSecretops(['scan', '--staged'], { cwd: project({ 'a.yaml': 'a: 1\n' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^secretops: --staged needs a git repository/);
  });
});
