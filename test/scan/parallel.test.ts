import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/tmp';

/**
 * Worker threads run the compiled scanner, so this test builds it and runs bin/secretops.js as
 * users do: the same tree in one thread and in several must give byte-identical output, with and
 * without a catalog (document rules then load it inside the workers).
 */
const corpus = join(__dirname, '..', 'corpora', 'realworld');
const BIN = join(REPO_ROOT, 'bin', 'secretops.js');

/** Asynchronous, so the test runner stays responsive while the scans run. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string; status: number }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, status: err ? Number((err as { code?: number }).code ?? -1) : 0 });
    });
  });
}

function scanWith(threads: number, args: readonly string[]) {
  return run([BIN, 'scan', '--format', 'json', ...args, '.'], { SECRETOPS_SCAN_THREADS: String(threads), SECRETOPS_TODAY: '2026-06-01' });
}

describe('scanning in worker threads', () => {
  beforeAll(async () => {
    const built = await run([join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.build.json')]);
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
});
