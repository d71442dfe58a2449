#!/usr/bin/env node
'use strict';
/**
 * The `postinstall` script: compiles the CLI into build/ when secretops is installed from its
 * sources (`npm ci` in a clone, a git dependency, pre-commit's `language: node` environment), and
 * does nothing in an installed package, which ships build/ already.
 *
 * Why postinstall and not `prepare`: `npm pack` runs `prepare` and prints its banner and output on
 * stdout, and pre-commit reads the tarball name from `npm pack`'s stdout (pre-commit 3.0.4,
 * pre_commit/languages/node.py: `npm install --dev ...`, then `npm pack`, then `npm install -g`
 * of the tarball). Install scripts run at `npm install` only, never at pack time. For git
 * dependencies npm runs `npm install --include=dev` in the clone when the package has a
 * postinstall script (pacote lib/git.js, #prepareDir), so tsc and esbuild are there.
 */
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..');
// An installed package has no sources to compile (tsconfig.build.json is not in `files`).
if (!existsSync(join(root, 'tsconfig.build.json'))) process.exit(0);

// scripts/build.cjs compiles with tsc and bundles with esbuild (both devDependencies).
const run = spawnSync(process.execPath, [join(root, 'scripts', 'build.cjs')], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
