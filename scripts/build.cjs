#!/usr/bin/env node
'use strict';
/**
 * `npm run build` (and the postinstall of a source checkout): compiles the TypeScript sources into
 * build/ with tsc, then bundles the CLI into one file, build/cli-bundle.cjs, with esbuild.
 *
 * Why a bundle: a scan loads about 155 modules, and resolving, reading and compiling them one by
 * one was most of the CLI's start-up (a pre-commit hook's whole time on a small commit). The
 * bundle holds secretops' own code and the small dependencies every command uses; the large ones
 * that only some commands load (cdk8s, the Kubernetes and GitHub clients, the MCP SDK, libsodium,
 * ajv) stay in node_modules, required when a command needs them, so the bundle stays small.
 * bin/secretops.js runs the bundle when it is at least as new as build/lib/cli/main.js (a bare
 * `tsc` afterwards makes it stale, and then the modules run); scan workers run the modules.
 */
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
/** Dependencies bundled into the CLI: the ones a scan (the common, start-up-bound command) loads. */
const BUNDLED = new Set(['commander', 'js-yaml', 'yaml', 'minimatch', 'ignore']);
const BUNDLE = join(root, 'build', 'cli-bundle.cjs');

function fail(message) {
  process.stderr.write(`secretops: ${message}\n`);
  process.exit(1);
}

function resolveFrom(id) {
  try {
    return require.resolve(id, { paths: [root] });
  } catch {
    return undefined;
  }
}

const tsc = resolveFrom('typescript/bin/tsc');
if (!tsc) fail('cannot build the CLI: typescript (a devDependency) is not installed; run `npm ci` without --omit=dev in the secretops sources.');
// An old bundle must not outlive the modules it was made from, even when this build fails.
rmSync(BUNDLE, { force: true });
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

const esbuildPath = resolveFrom('esbuild');
if (!esbuildPath) fail('cannot bundle the CLI: esbuild (a devDependency) is not installed; run `npm ci` without --omit=dev in the secretops sources.');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {}).filter((d) => !BUNDLED.has(d));
try {
  require(esbuildPath).buildSync({
    entryPoints: [join(root, 'build', 'lib', 'cli', 'main.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${pkg.engines.node.replace(/^>=\s*/, '')}`,
    // A package and its subpaths (`@octokit/rest`, `ajv/dist/...`) stay in node_modules.
    external: external.flatMap((d) => [d, `${d}/*`]),
    // Names are kept as written: stack traces and profiles read like the sources.
    logLevel: 'warning',
    legalComments: 'none',
  });
} catch (err) {
  rmSync(BUNDLE, { force: true });
  fail(`bundling the CLI failed: ${err && err.message ? err.message.split('\n')[0] : err}`);
}
if (!existsSync(BUNDLE)) fail('bundling the CLI wrote no build/cli-bundle.cjs');
