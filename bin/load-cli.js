'use strict';
/**
 * Loads the compiled CLI for bin/secretops.js, as fast as the Node running it allows. Start-up is
 * most of a pre-commit hook's time on a small commit, so:
 *
 * - The one-file bundle (build/cli-bundle.cjs, scripts/build.cjs) is loaded instead of the 155
 *   modules of build/lib when it is at least as new as build/lib/cli/main.js: a bare `tsc` after a
 *   build leaves it stale, and then the modules run.
 * - Node 22.1+ keeps compiled code between runs itself (`module.enableCompileCache`, in
 *   $NODE_COMPILE_CACHE, else the temporary folder).
 * - Older Node has no such API: the bundle is compiled through `vm.Script` with V8's code cache,
 *   one file per command (the code a `scan` compiled is not what `--version` compiled), kept in
 *   $NODE_COMPILE_CACHE/secretops, else <tmpdir>/secretops-compile-cache-<uid>, in a folder only
 *   its owner can write (code from a folder others can write to would be theirs to choose). V8
 *   rejects a cache made for other source or another V8 (`cachedDataRejected`); it is then made again.
 *
 * Nothing here is needed for correctness: a cache that cannot be read or written costs start-up time only.
 */
const { createHash } = require('node:crypto');
const { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { basename, dirname, join } = require('node:path');
const vm = require('node:vm');

const BUILD = join(__dirname, '..', 'build');
const BUNDLE = join(BUILD, 'cli-bundle.cjs');
const MODULES = join(BUILD, 'lib', 'cli', 'main.js');

/** The CLI module, and what to call once its command has finished (writes the code cache). */
function loadCli(argv) {
  const bundled = bundleIsCurrent();
  if (typeof Module.enableCompileCache === 'function') {
    try {
      Module.enableCompileCache();
    } catch {
      // a cache that cannot be set up only costs start-up time
    }
    return { cli: require(bundled ? BUNDLE : MODULES), finished() {} };
  }
  if (!bundled) return { cli: require(MODULES), finished() {} };
  return loadWithCodeCache(argv);
}

function bundleIsCurrent() {
  try {
    return statSync(BUNDLE).mtimeMs >= statSync(MODULES).mtimeMs;
  } catch {
    return false;
  }
}

function loadWithCodeCache(argv) {
  const source = readFileSync(BUNDLE, 'utf8');
  const file = codeCacheFile(source, argv);
  let cachedData;
  if (file) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // none yet
    }
  }
  // The shebang line becomes empty, so line numbers in stack traces stay those of the file.
  const script = new vm.Script(Module.wrap(source.replace(/^#!.*/, '')), { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(dirname(BUNDLE));
  require.cache[BUNDLE] = mod;
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
  mod.loaded = true;
  return {
    cli: mod.exports,
    finished() {
      if (!file || (cachedData && !script.cachedDataRejected)) return;
      // Made after the command ran, so it holds the functions the command compiled on the way.
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        renameSync(tmp, file);
        // The command's caches of earlier builds are of no further use.
        const mine = basename(file);
        const command = mine.slice(0, mine.lastIndexOf('-') + 1);
        for (const other of readdirSync(dirname(file))) if (other !== mine && other.startsWith(command) && other.endsWith('.bin')) rmSync(join(dirname(file), other), { force: true });
      } catch {
        // the next run compiles again
      }
    },
  };
}

/** The code cache of this bundle, Node and command; undefined when no safe folder is at hand. */
function codeCacheFile(source, argv) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = process.env.NODE_COMPILE_CACHE ? join(process.env.NODE_COMPILE_CACHE, 'secretops') : join(tmpdir(), `secretops-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
  } catch {
    return undefined;
  }
  const command = argv.find((a) => !a.startsWith('-')) ?? '';
  // By content: V8 itself checks only the source's length, and a packed package's files all carry one date.
  const key = createHash('sha1').update(`${process.version}\0${process.arch}\0${BUNDLE}\0`).update(source).digest('hex');
  return join(dir, `cli-${/^[a-z][a-z-]*$/.test(command) ? command : 'other'}-${key}.bin`);
}

module.exports = { loadCli };
