import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../support/tmp';

/**
 * Worker threads run the compiled scanner, so this test builds it and runs bin/secretops.js as
 * users do: the same tree in one thread and in several must give byte-identical output, with and
 * without a catalog (document rules then load it inside the workers).
 */
const corpus = join(__dirname, '..', 'corpora', 'realworld');
const BIN = join(REPO_ROOT, 'bin', 'secretops.js');

/** Asynchronous, so the test runner stays responsive while the scans run. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = corpus): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, status: err ? Number((err as { code?: number }).code ?? -1) : 0 });
    });
  });
}

function scanWith(threads: number, args: readonly string[], cwd = corpus, paths: readonly string[] = ['.']) {
  return run([BIN, 'scan', '--format', 'json', ...args, ...paths], { SECRETOPS_SCAN_THREADS: String(threads), SECRETOPS_TODAY: '2026-06-01' }, cwd);
}

/**
 * A tree of several chunks (48 files each) with files the scanner cannot read as text spread over
 * them (a NUL byte, invalid UTF-8, over maxFileSize), a UTF-16 manifest holding a token, and an
 * ExternalSecret whose store lives outside the scanned folder: workers must report the same
 * unread-file findings, decode UTF-16 the same way and see the same cross-file context.
 */
function mixedTree(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'apps'));
  mkdirSync(join(dir, 'stores'));
  writeFileSync(join(dir, 'secretops.config.yaml'), 'apiVersion: secretops.dev/v1alpha1\nkind: ScanConfig\nmaxFileSize: 4096\n');
  for (let i = 0; i < 200; i++) {
    const name = join(dir, 'apps', `cm-${String(i).padStart(3, '0')}.yaml`);
    if (i % 50 === 7) writeFileSync(name, Buffer.from('apiVersion: v1\nkind: ConfigMap\0\n'));
    else if (i % 50 === 23) writeFileSync(name, Buffer.from([0x6b, 0x3a, 0x20, 0xc3, 0x28, 0x0a]));
    else if (i % 50 === 41) writeFileSync(name, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big-${i}}\ndata:\n  k: "${'x'.repeat(5000)}"\n`);
    else writeFileSync(name, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: apps}\ndata: {k: v${i}}\n`);
  }
  const token = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
  const utf16 = `apiVersion: v1\nkind: Secret\nmetadata: {name: gh, namespace: apps}\nstringData: {token: ${token}}\n`;
  writeFileSync(join(dir, 'apps', 'zz-utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
  const es = (name: string, store: string) =>
    `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: ${name}, namespace: apps}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: ${store}}\n  target: {name: ${name}}\n  data:\n    - secretKey: k\n      remoteRef: {key: app/${name}, property: k}\n`;
  writeFileSync(join(dir, 'apps', 'zz-es.yaml'), `${es('known', 'vault')}---\n${es('unknown', 'nowhere')}`);
  writeFileSync(join(dir, 'stores', 'store.yaml'), 'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata: {name: vault}\nspec:\n  provider:\n    vault: {server: "https://vault.example", path: secret}\n');
  return dir;
}

describe('scanning in worker threads', () => {
  beforeAll(async () => {
    // `npm run build` (modules and bundle): tsc alone would leave the checkout's bundle older than
    // its modules, and the CLI would start from the modules until the next build.
    const built = await run([join(REPO_ROOT, 'scripts', 'build.cjs')]);
    expect(built.status).toBe(0);
  }, 180_000);

  for (const [label, args] of [
    ['without a catalog', []],
    ['with the example catalog', ['--services', join(REPO_ROOT, 'services.yaml')]],
  ] as const) {
    it(`gives byte-identical output in one thread and in three, ${label}`, async () => {
      const one = await scanWith(1, args);
      const three = await scanWith(3, args);
      expect(one.status).toBe(1);
      const result = JSON.parse(one.stdout) as { findings: unknown[]; stats: { files: number } };
      expect(result.findings.length).toBeGreaterThan(50);
      expect(result.stats.files).toBeGreaterThan(1000);
      expect(three.stdout).toBe(one.stdout);
      expect(three.stderr).toBe(one.stderr);
      expect(three.status).toBe(one.status);
    }, 120_000);
  }

  it('gives the same unread-file, UTF-16 and cross-file findings in one thread and in three', async () => {
    const dir = mixedTree();
    const one = await scanWith(1, ['--context-dir', '.'], dir, ['apps']);
    const three = await scanWith(3, ['--context-dir', '.'], dir, ['apps']);
    expect(one.status).toBe(1);
    const result = JSON.parse(one.stdout) as { findings: { ruleId: string; file: string; message: string }[]; stats: { skippedFiles: number } };
    const unread = result.findings.filter((f) => f.ruleId === 'parse-error' && f.message.startsWith('not scanned'));
    expect(unread.map((f) => f.file)).toEqual(
      ['007', '023', '041', '057', '073', '091', '107', '123', '141', '157', '173', '191'].map((n) => `apps/cm-${n}.yaml`),
    );
    expect(result.stats.skippedFiles).toBe(12);
    expect(result.findings.some((f) => f.ruleId === 'no-inline-secret' && f.file === 'apps/zz-utf16.yaml')).toBe(true);
    // The store in stores/ (context, not scanned) resolves "vault"; "nowhere" is reported.
    const stores = result.findings.filter((f) => f.ruleId === 'unknown-secret-store');
    expect(stores.map((f) => f.message)).toEqual([expect.stringContaining('"nowhere"')]);
    expect(three.stdout).toBe(one.stdout);
    expect(three.stderr).toBe(one.stderr);
    expect(three.status).toBe(one.status);
  }, 120_000);

  it('gives the same output with --cache, cold (misses read in three threads) and warm, with the example catalog', async () => {
    const cache = join(tempDir(), 'scan-cache');
    const args = ['--services', join(REPO_ROOT, 'services.yaml')];
    const plain = await scanWith(1, args);
    const cold = await scanWith(3, [...args, '--cache-location', cache]);
    const warm = await scanWith(3, [...args, '--cache', '--cache-location', cache]);
    const alone = await scanWith(1, [...args, '--cache-location', cache]);
    for (const r of [cold, warm, alone]) {
      expect(r.stdout).toBe(plain.stdout);
      expect(r.stderr).toBe(plain.stderr);
      expect(r.status).toBe(plain.status);
    }
  }, 120_000);
});
