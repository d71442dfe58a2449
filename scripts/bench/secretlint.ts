import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * secretlint is only the benchmark's baseline, so it is not a project dependency: secretlint 13
 * requires Node 22 and would make `npm ci` warn on Node 20, which the project supports. The first
 * `bench:scan` installs the pinned versions into an ignored cache folder; later runs reuse them.
 */
export const SECRETLINT_PACKAGES = ['secretlint@13.0.6', '@secretlint/secretlint-rule-preset-recommend@13.0.7'] as const;

/** The path of secretlint's CLI script, installing it under `root/.cache/bench-secretlint` when absent. */
export function obtainSecretlint(root: string): string {
  const prefix = join(root, '.cache', 'bench-secretlint');
  const bin = join(prefix, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
  if (!existsSync(bin)) {
    mkdirSync(prefix, { recursive: true });
    process.stderr.write(`bench: installing ${SECRETLINT_PACKAGES.join(' ')} into ${prefix}\n`);
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--engine-strict=false', ...SECRETLINT_PACKAGES], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return bin;
}
