'use strict';
/**
 * Loads the compiled CLI for bin/secretops.js, as fast as the Node running it allows. Start-up is
 * most of a pre-commit hook's time on a small commit, so:
 *
 * - The one-file bundle (build/cli-bundle.cjs, scripts/build.cjs) is loaded instead of the 155
 *   modules of build/lib when it is current (`bundleIsCurrent`): always in an installed package;
 *   in a source checkout when it is at least as new as build/lib/cli/main.js (a bare `tsc` after
 *   a build leaves it stale, and then the modules run).
 * - Node 22.1+ keeps compiled code between runs itself (`module.enableCompileCache`, in
 *   $NODE_COMPILE_CACHE, else the temporary folder).
 * - Older Node has no such API: the bundle is compiled through `vm.compileFunction` with V8's
 *   code cache, kept in $NODE_COMPILE_CACHE/secretops, else <tmpdir>/secretops-compile-cache-<uid>, in a folder only
 *   its owner can write (code from a folder others can write to would be theirs to choose). V8
 *   rejects a cache made for other source or another V8 (`cachedDataRejected`); it is then made again.
 *
 * Nothing here is needed for correctness: a cache that cannot be read or written costs start-up time only.
 */
const { createHash } = require('node:crypto');
const { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { tmpdir } = require('node:os');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUILD = join(__dirname, '..', 'build');
const BUNDLE = join(BUILD, 'cli-bundle.cjs');
const MODULES = join(BUILD, 'lib', 'cli', 'main.js');
/** Code caches kept in the folder (one per build; ~100 KB each). */
const KEEP_CACHES = 4;

/** The CLI module, and what to call once its command has finished (writes the code cache). */
function loadCli() {
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
  return loadWithCodeCache();
}

/**
 * Whether the bundle is there and made from the modules beside it. An installed package cannot
 * be rebuilt (it ships no tsconfig.build.json), so its bundle is current whatever the times its
 * files were unpacked with (`npm install -g` of a tarball writes them in name order, the bundle
 * first). In a source checkout a bare `tsc` after a build leaves the bundle older than the modules.
 */
function bundleIsCurrent() {
  try {
    const bundle = statSync(BUNDLE);
    if (!existsSync(join(__dirname, '..', 'tsconfig.build.json'))) return true;
    return bundle.mtimeMs >= statSync(MODULES).mtimeMs;
  } catch {
    return false;
  }
}

function loadWithCodeCache() {
  const source = readFileSync(BUNDLE, 'utf8');
  const file = codeCacheFile(source);
  let cachedData;
  if (file) {
    try {
      cachedData = readFileSync(file);
    } catch {
      // none yet
    }
  }
  // `compileFunction`, as Node's own loader compiles a module: a `vm.Script` of the wrapped
  // bundle held about 14 MB more at the peak of a scan. Its cache holds what was compiled
  // eagerly (the bundle's top level), made at compile time. The shebang line becomes empty, so
  // line numbers in stack traces stay those of the file.
  const fn = vm.compileFunction(source.replace(/^#!.*/, ''), ['exports', 'require', 'module', '__filename', '__dirname'], {
    filename: BUNDLE,
    ...(cachedData ? { cachedData } : { produceCachedData: Boolean(file) }),
  });
  const mod = new Module(BUNDLE, module);
  mod.filename = BUNDLE;
  mod.paths = Module._nodeModulePaths(dirname(BUNDLE));
  require.cache[BUNDLE] = mod;
  fn.call(mod.exports, mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
  mod.loaded = true;
  return {
    cli: mod.exports,
    finished() {
      if (!file || (cachedData && !fn.cachedDataRejected)) return;
      // A rejected cache (another V8, damaged) goes; the next run, compiling afresh, makes one.
      if (cachedData) {
        try {
          rmSync(file, { force: true });
        } catch {
          // left for V8 to reject again
        }
        return;
      }
      const made = fn.cachedData;
      if (!made) return;
      try {
        const tmp = `${file}.${process.pid}.tmp`;
        writeFileSync(tmp, made, { mode: 0o600 });
        renameSync(tmp, file);
        // The newest few stay (two installed versions may take turns); older builds' go.
        const dir = dirname(file);
        const caches = readdirSync(dir)
          .filter((n) => /^cli-[0-9a-f]{40}\.bin$/.test(n))
          .map((n) => ({ n, at: statSync(join(dir, n)).mtimeMs }))
          .sort((a, b) => b.at - a.at);
        for (const old of caches.slice(KEEP_CACHES)) rmSync(join(dir, old.n), { force: true });
      } catch {
        // the next run compiles again
      }
    },
  };
}

/** The code cache of this bundle file and Node; undefined when no safe folder is at hand. */
function codeCacheFile(source) {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = process.env.NODE_COMPILE_CACHE ? join(process.env.NODE_COMPILE_CACHE, 'secretops') : join(tmpdir(), `secretops-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) return undefined;
  } catch {
    return undefined;
  }
  // V8 itself checks only the source's length, and a modification time can be set by whatever
  // unpacks the files; the change time cannot be set, and every write or new install moves it
  // (a digest of the bytes cost 4 ms of each start).
  const st = statSync(BUNDLE, { bigint: true });
  const key = createHash('sha1').update([process.version, process.arch, BUNDLE, st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs, source.length].join('\0')).digest('hex');
  return join(dir, `cli-${key}.bin`);
}

module.exports = { loadCli, bundleIsCurrent };
