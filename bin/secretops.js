#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to build/ by `npm ci` (the postinstall script).
// Node 22.1+ keeps compiled code between runs (in $NODE_COMPILE_CACHE, else the temporary folder):
// start-up is a large part of a pre-commit hook's time. Older Node has no such API.
const { enableCompileCache } = require('node:module');
if (typeof enableCompileCache === 'function') {
  try {
    enableCompileCache();
  } catch {
    // a cache that cannot be set up only costs start-up time
  }
}
let cli;
try {
  cli = require('../build/lib/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /build[\\/]lib[\\/]cli[\\/]main/.test(String(err.message))) {
    process.stderr.write('secretops: the CLI is not built yet; run `npm ci` or `npm run build` in the secretops package.\n');
    process.exit(2);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
