import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, tempDir } from './tmp';

/** A binary of the repository's node_modules. */
export function repoBin(name: string): string {
  return join(REPO_ROOT, 'node_modules', '.bin', name);
}

/**
 * Runs the project's cdk8s CLI offline: it asks registry.npmjs.org for a newer version unless its
 * cache file in $HOME is fresh, so it gets a HOME with a fresh cache file.
 */
export function runCdk8s(args: readonly string[], cwd: string): void {
  const home = tempDir();
  writeFileSync(join(home, '.cdk8s-cli.version'), JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'cdk8s-cli', 'package.json'), 'utf8')).version);
  execFileSync(repoBin('cdk8s'), [...args], { cwd, stdio: 'pipe', env: { ...process.env, HOME: home } });
}
