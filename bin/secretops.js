#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to build/ by `npm ci` (the prepare script).
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
