#!/usr/bin/env node
// Runs first in `npm test`: makes sure every system tool the tests run is present, so a new
// machine gets a green run from README's test command alone. npm packages come from `npm ci`;
// these have no npm equivalent that works offline (shellcheck and jq npm wrappers download
// binaries at install time, and no npm Lua implements 5.1, the dialect Argo CD runs).
// Missing tools are installed with apt-get when we are root on Debian; otherwise the script
// names exactly what is missing and exits non-zero. It never lets a test skip silently.
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** command -> Debian package, and which tests need it. */
export const TOOLS = [
  { command: 'git', pkg: 'git', why: 'report, staged scan and pre-commit tests' },
  { command: 'shellcheck', pkg: 'shellcheck', why: 'bootstrap and readiness-gate scripts are linted as POSIX sh' },
  { command: 'jq', pkg: 'jq', why: 'bootstrap scripts run against the Vault stand-in' },
  { command: 'curl', pkg: 'curl', why: 'bootstrap and readiness-gate scripts run against the stand-ins' },
  { command: 'openssl', pkg: 'openssl', why: 'deterministic fixture values computed by the dev bootstrap' },
  { command: 'lua5.1', pkg: 'lua5.1', why: 'Argo CD health checks (gopher-lua implements Lua 5.1)' },
  { command: 'lua5.4', pkg: 'lua5.4', why: 'Argo CD health checks also checked under current Lua' },
  { command: 'chromium', pkg: 'chromium', why: 'the HTML report is opened in headless Chromium' },
  { command: 'faketime', pkg: 'faketime', why: 'CI reruns the suite with the clock moved forward' },
  { command: 'pre-commit', pkg: 'pre-commit', why: 'the hooks are installed from git with the real pre-commit framework' },
];

const has = (command, env) => spawnSync('/bin/sh', ['-c', `command -v "${command}"`], { stdio: 'ignore', env }).status === 0;

/**
 * Installs (when `install` and root on Debian) or names what is missing; 0 when every tool is there.
 * `env` is the environment whose PATH is searched.
 */
export function ensureTools({ env = process.env, install = true, stderr = process.stderr } = {}) {
  let missing = TOOLS.filter((t) => !has(t.command, env));
  if (missing.length === 0) return 0;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (install && isRoot && has('apt-get', env)) {
    const pkgs = [...new Set(missing.map((t) => t.pkg))];
    stderr.write(`test prerequisites: installing ${pkgs.join(' ')} with apt-get\n`);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
    if (update.status === 0) {
      spawnSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: ['ignore', 'ignore', 'inherit'], env: aptEnv });
    }
    missing = missing.filter((t) => !has(t.command, env));
    if (missing.length === 0) return 0;
  }

  stderr.write('The tests need these programs, which are not on PATH:\n');
  for (const t of missing) stderr.write(`  ${t.command.padEnd(11)} (Debian package ${t.pkg}): ${t.why}\n`);
  stderr.write(
    `Install them (for example: sudo apt-get install ${[...new Set(missing.map((t) => t.pkg))].join(' ')}) and run npm test again.\n`,
  );
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = ensureTools();
