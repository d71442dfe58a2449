#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is compiled to build/ by `npm ci` (the postinstall script); load-cli.js
// picks the bundle or the modules and keeps compiled code between runs.
const argv = process.argv.slice(2);
let loaded;
try {
  loaded = require('./load-cli.js').loadCli();
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /build[\\/]lib[\\/]cli[\\/]main/.test(String(err.message))) {
    process.stderr.write('secretops: the CLI is not built yet; run `npm ci` or `npm run build` in the secretops package.\n');
    process.exit(2);
  }
  throw err;
}
loaded.cli.main(argv).then((code) => {
  process.exitCode = code;
  loaded.finished();
});
