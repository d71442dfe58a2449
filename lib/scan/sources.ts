import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { Ignore } from 'ignore';
import { Minimatch } from 'minimatch';
import { ExitCode, UserError } from '../errors';
import { byCodePoint } from './run-rules';
import { DISK_FILES, type ProjectFiles } from '../catalog/files';
import type { ScanWarning } from './types';

/**
 * Where the scanner's input comes from: the working tree (directories walked, honouring
 * `.gitignore` and the configured globs) or the git index (`--staged`). Either way the engine gets
 * a sorted list of files it reads lazily, and warnings for what it will not read.
 */
export interface SourceFile {
  /** Relative to the working directory, `/`-separated. */
  readonly path: string;
  readonly size: number;
  read(): Buffer;
}

export interface SourceSelection {
  readonly include: readonly string[];
  readonly exclude: readonly string[];
}

export interface CollectedSources {
  readonly files: SourceFile[];
  readonly warnings: ScanWarning[];
  /**
   * The cross-file context (`--context PATH`, or the whole index for `--staged`): files the
   * project rules also read, listed only when a project rule has something to look up. Findings
   * are reported for `files` only.
   */
  readonly context?: CrossFileContext;
  /**
   * Staged deletions (`--staged`): each deleted file as the commit removes it (its HEAD version),
   * selected like the scanned files. Never reported on; the project rules' findings on unchanged
   * files that a deletion causes are (`lib/scan/deletions.ts`). @default none
   */
  readonly deleted?: readonly SourceFile[];
}

export interface CrossFileContext {
  /** The context's root, relative to the working directory (what `ctx.roots` tells the rules). */
  readonly root: string;
  files(): readonly SourceFile[];
}

const GLOB = { dot: true, nocomment: true } as const;

/** The display path of a file as the output shows it: relative to cwd, `/`-separated. */
export function displayPath(cwd: string, abs: string): string {
  const rel = relative(cwd, abs);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/** A glob matched as minimatch matches it; as its regular expression when it has one (several times faster per path). */
interface PathMatcher {
  test(path: string): boolean;
}

export function compileGlob(glob: string): PathMatcher {
  const m = new Minimatch(glob, GLOB);
  const re = m.makeRe();
  // `match` reads a trailing slash (a folder: `excludedDir`) as the folder itself; the expression does not.
  return re ? { test: (p) => (p.endsWith('/') ? m.match(p) : re.test(p)) } : { test: (p) => m.match(p) };
}

/** Include/exclude globs compiled once (minimatch compiles on every call otherwise). */
class Selection {
  private readonly include: PathMatcher[];
  private readonly exclude: PathMatcher[];
  constructor(sel: SourceSelection) {
    this.include = sel.include.map(compileGlob);
    this.exclude = sel.exclude.map(compileGlob);
  }
  excludedDir(path: string): boolean {
    const p = `${globbed(path)}/`;
    return this.exclude.some((m) => m.test(p));
  }
  selected(path: string, explicit: boolean): boolean {
    const p = globbed(path);
    if (this.exclude.some((m) => m.test(p))) return false;
    return explicit || this.include.some((m) => m.test(p));
  }
}

/**
 * The path globs are matched against. A folder outside the working directory shows as `../x/...`,
 * and `**` never matches a `..` segment: without this, `scan /abs/other/dir` took no file at all.
 * Outside paths are matched from their first real segment, as if scanned from their parent.
 */
function globbed(path: string): string {
  let p = path;
  while (p.startsWith('../')) p = p.slice(3);
  return p.startsWith('/') ? p.replace(/^\/+/, '') : p;
}

/** A file on disk, read when the engine gets to it (no closure per file: 100,000 files add up). */
class DiskFile implements SourceFile {
  constructor(
    readonly path: string,
    readonly size: number,
    private readonly cwd: string,
  ) {}
  read(): Buffer {
    return readFileSync(resolve(this.cwd, this.path));
  }
}

/** `.gitignore` rules of one directory, matched against paths relative to it. */
interface IgnoreLayer {
  readonly dir: string;
  readonly rules: Ignore;
}

function gitignoreOf(dir: string): IgnoreLayer | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { dir, rules: ignore().add(text) };
}

function ignoredByGit(layers: readonly IgnoreLayer[], abs: string, isDir: boolean): boolean {
  for (const l of layers) {
    const rel = relative(l.dir, abs).split(sep).join('/');
    if (rel && !rel.startsWith('..') && l.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

/**
 * Walks PATH arguments. Symbolic links are followed only to files inside the root they were found
 * under (never to directories: no cycles); a link that leaves the root is reported, not read.
 */
export function walkPaths(cwd: string, paths: readonly string[], selection: SourceSelection): CollectedSources {
  const sel = new Selection(selection);
  const files = new Map<string, SourceFile>();
  const warnings: ScanWarning[] = [];
  const add = (path: string, stat: Stats) => {
    files.set(path, new DiskFile(path, stat.size, cwd));
  };
  for (const arg of paths.length > 0 ? paths : ['.']) {
    const root = resolve(cwd, arg);
    let st: Stats;
    try {
      st = statSync(root);
    } catch {
      throw new UserError({ file: arg, message: 'does not exist', hint: 'pass files or directories to scan (default: .)' }, ExitCode.usage);
    }
    if (st.isFile()) {
      const path = displayPath(cwd, root);
      if (sel.selected(path, true)) add(path, st);
      continue;
    }
    const realRoot = realpathSync(root);
    // Display paths are built as the walk descends: one path.relative per file adds up on 100,000 files.
    const visit = (dir: string, shown: string, layers: readonly IgnoreLayer[]) => {
      const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodePoint(a.name, b.name));
      // Read `.gitignore` only where the listing has one: a failed read per directory (an
      // exception with a stack trace) costs more than the rest of the walk on large trees.
      const own = entries.some((e) => e.name === '.gitignore') ? gitignoreOf(dir) : undefined;
      const here = own ? [...layers, own] : layers;
      for (const e of entries) {
        const abs = join(dir, e.name);
        const path = shown === '.' ? e.name : `${shown}/${e.name}`;
        if (e.name === '.git') continue;
        if (e.isDirectory()) {
          if (!sel.excludedDir(path) && !ignoredByGit(here, abs, true)) visit(abs, path, here);
        } else if (e.isSymbolicLink()) {
          if (!sel.selected(path, false) || ignoredByGit(here, abs, false)) continue;
          let target: string;
          try {
            target = realpathSync(abs);
          } catch {
            warnings.push({ file: path, message: 'symbolic link to nothing: skipped' });
            continue;
          }
          const inside = target === realRoot || (!relative(realRoot, target).startsWith('..') && !isAbsolute(relative(realRoot, target)));
          if (!inside) warnings.push({ file: path, message: 'symbolic link leaves the scanned folder: not followed' });
          else if (lstatSync(target).isFile()) add(path, statSync(target));
        } else if (e.isFile()) {
          if (sel.selected(path, false) && !ignoredByGit(here, abs, false)) add(path, lstatSync(abs));
        }
      }
    };
    visit(root, displayPath(cwd, root), ancestorsGitignores(cwd, root));
  }
  return { files: [...files.values()].sort((a, b) => byCodePoint(a.path, b.path)), warnings };
}

/**
 * The working tree under `root` as cross-file context for a scan of some of its files
 * (`--context .` in a pre-commit hook that passes the commit's files).
 */
export function treeContext(cwd: string, root: string, selection: SourceSelection): CrossFileContext {
  let files: readonly SourceFile[] | undefined;
  return { root: displayPath(cwd, resolve(cwd, root)), files: () => (files ??= walkPaths(cwd, [root], selection).files) };
}

/** `.gitignore` files between the working directory and a walked root apply to it too. */
function ancestorsGitignores(cwd: string, root: string): IgnoreLayer[] {
  const rel = relative(cwd, root);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return [];
  const layers: IgnoreLayer[] = [];
  let dir = cwd;
  for (const part of rel.split(sep).slice(0, -1)) {
    const l = gitignoreOf(dir);
    if (l) layers.push(l);
    dir = join(dir, part);
  }
  const l = gitignoreOf(dir);
  if (l && dir !== root) layers.push(l);
  return layers;
}

function git(cwd: string, args: readonly string[], input?: string): Buffer {
  try {
    return execFileSync('git', args, { cwd, input, maxBuffer: 1 << 30, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = e.code === 'ENOENT' ? 'git is not installed' : (e.stderr?.toString().split('\n')[0] ?? 'git failed').trim();
    throw new UserError({ message: `--staged needs a git repository: ${why}`, hint: 'run the scan inside the repository, or drop --staged' }, ExitCode.usage);
  }
}

/**
 * The top folder of the git repository `cwd` is in (a usage error outside one). Remembered per
 * folder while that top still holds `.git`: a staged scan asks twice (the CLI's scope, then the
 * file listing), and each git process is a few milliseconds of a pre-commit hook.
 */
export function gitTop(cwd: string): string {
  const at = resolve(cwd);
  const known = tops.get(at);
  if (known !== undefined && existsSync(join(known, '.git'))) return known;
  const top = git(cwd, ['rev-parse', '--show-toplevel']).toString().trim();
  tops.set(at, top).set(top, top);
  return top;
}

const tops = new Map<string, string>();

/**
 * The staged version of every added, copied, modified or renamed file (the index, not the working
 * tree), and the HEAD version of every deleted one, read in one `git cat-file --batch`. PATH arguments narrow the selection as they narrow
 * `git diff --cached -- PATH`: they are git pathspecs (a file, a folder, or a wildcard pattern such
 * as `apps/*.yaml`), matched by git itself. The context is the whole index: a staged
 * ExternalSecret's store may live in a committed, unchanged file.
 */
export function stagedFiles(cwd: string, paths: readonly string[], selection: SourceSelection): CollectedSources {
  const sel = new Selection(selection);
  const top = gitTop(cwd);
  // Absolute pathspecs: git takes them from the top, wherever the scan runs from.
  const given = paths.length > 0 ? paths : ['.'];
  const specs = given.map((p) => realFolder(resolve(cwd, p)));
  for (const [i, spec] of specs.entries()) checkPathspec(top, given[i]!, spec);
  // Deletions too (a rename is a deletion and an addition with --no-renames): a deleted store or
  // Secret breaks committed files the commit does not touch (see `CollectedSources.deleted`).
  const raw = git(top, ['diff', '--cached', '--raw', '-z', '--no-renames', '--diff-filter=ACMRD', '--no-abbrev', '--', ...specs]).toString('utf8');
  const warnings: ScanWarning[] = [];
  // A file named on the command line is scanned even when no include glob matches it, as on disk.
  const named = new Set(specs);
  const wanted: Blob[] = [];
  const gone: Blob[] = [];
  const parts = raw.split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) {
    // ":<mode before> <mode after> <sha before> <sha after> <status>"
    const meta = parts[i]!.split(' ');
    const file = parts[i + 1]!;
    const mode = meta[1];
    const sha = meta[3]!;
    const abs = join(top, file);
    const path = displayPath(cwd, abs);
    if (!sel.selected(path, named.has(abs))) continue;
    if (meta[4] === 'D') {
      // The version the commit removes (HEAD's), of a regular file.
      if (meta[0] === ':100644' || meta[0] === ':100755') gone.push({ path, sha: meta[2]! });
      continue;
    }
    if (mode === '120000') {
      warnings.push({ file: path, message: 'staged symbolic link: not followed' });
      continue;
    }
    if (mode === '160000') continue;
    wanted.push({ path, sha });
  }
  const context: CrossFileContext = { root: displayPath(cwd, top), files: () => readBlobs(top, indexBlobs(cwd, top, sel)) };
  // One `git cat-file` for both (a path is either deleted or staged, never both).
  const removed = new Set(gone.map((b) => b.path));
  const blobs = readBlobs(top, [...wanted, ...gone]);
  const deleted = blobs.filter((f) => removed.has(f.path));
  return { files: blobs.filter((f) => !removed.has(f.path)), warnings, context, ...(deleted.length > 0 ? { deleted } : {}) };
}

/**
 * Paths under `paths` (files or folders of the repository at `top`) whose working-tree version is
 * not the staged one: changed or deleted without being staged, or untracked. A staged scan reads
 * the catalog (services.yaml, fixtures/) and dist/ from disk where this is empty, and from the
 * index (`indexFiles`) otherwise. Empty when git cannot tell (a path outside the repository).
 */
export function unstagedChanges(top: string, paths: readonly string[]): string[] {
  let out: string;
  try {
    out = git(top, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--', ...paths]).toString('utf8');
  } catch {
    return [];
  }
  const changed: string[] = [];
  // "XY path": X the index against HEAD, Y the working tree against the index.
  for (const entry of out.split('\0')) {
    if (entry.length < 4) continue;
    const worktree = entry[1];
    if (entry.startsWith('??') || (worktree !== ' ' && worktree !== undefined)) changed.push(entry.slice(3));
  }
  return changed.sort(byCodePoint);
}

/**
 * The git index as the files a project is read from (`ProjectFiles`): a staged scan loads the
 * catalog, its fixtures and dist/ from it when the working tree differs there (`unstagedChanges`).
 * Regular files of stage 0, listed once; the blobs of a folder are read in one `git cat-file
 * --batch` when it is listed. Relative paths are taken from the repository's top; paths outside
 * the repository (an explicit --services or --fixtures elsewhere) are read from disk.
 */
export function indexFiles(top: string): ProjectFiles {
  let entries: Map<string, string> | undefined;
  const index = (): Map<string, string> => {
    if (entries) return entries;
    entries = new Map();
    for (const entry of git(top, ['ls-files', '--stage', '-z']).toString('utf8').split('\0')) {
      const tab = entry.indexOf('\t');
      if (tab < 0) continue;
      const [mode, sha, stage] = entry.slice(0, tab).split(' ');
      if (stage === '0' && (mode === '100644' || mode === '100755')) entries.set(join(top, entry.slice(tab + 1)), sha!);
    }
    return entries;
  };
  const bytes = new Map<string, Buffer>();
  const fetch = (paths: readonly string[]) => {
    const wanted = paths.filter((p) => !bytes.has(p)).map((p) => ({ path: p, sha: index().get(p)! }));
    for (const f of readBlobs(top, wanted)) bytes.set(f.path, f.read());
  };
  const inRepo = (abs: string) => inRepository(top, abs);
  const where = (path: string) => realFolder(resolve(top, path));
  return {
    read(path) {
      const abs = where(path);
      if (!inRepo(abs)) return DISK_FILES.read(abs);
      if (!index().has(abs)) return undefined;
      fetch([abs]);
      return bytes.get(abs);
    },
    list(dir) {
      const abs = where(dir);
      if (!inRepo(abs)) return DISK_FILES.list(abs);
      const prefix = abs + sep;
      const found = [...index().keys()].filter((k) => k.startsWith(prefix));
      fetch(found);
      return found.map((k) => k.slice(prefix.length).split(sep).join('/')).sort(byCodePoint);
    },
  };
}

/** Whether `path` (relative to `top`, or absolute) lies inside the repository whose top is `top`. */
export function inRepository(top: string, path: string): boolean {
  const rel = relative(top, realFolder(resolve(top, path)));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * A digest of the index entries (mode, blob, path) under `paths`, all inside the repository: what
 * a staged scan's catalog is read from (`indexFiles`, or the disk where it holds the same bytes),
 * for keying cached outcomes.
 */
export function indexDigest(top: string, paths: readonly string[]): string {
  const h = createHash('sha256');
  if (paths.length > 0) h.update(git(top, ['ls-files', '--stage', '-z', '--', ...paths.map((p) => resolve(top, p))]));
  return h.digest('hex');
}

/**
 * A PATH of a staged scan must lie in the repository (git refuses others) and name something: a
 * file or folder on disk, index entries, or a staged change (a deleted file is in neither of the
 * others). git is asked only about paths not on disk, so the usual hook pays for no extra process.
 */
function checkPathspec(top: string, given: string, spec: string): void {
  const rel = relative(top, spec);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UserError({ file: given, message: 'is outside the git repository', hint: '--staged scans the index of the repository it runs in: pass paths inside it' }, ExitCode.usage);
  }
  if (existsSync(spec)) return;
  if (git(top, ['ls-files', '-z', '--', spec]).length > 0) return;
  if (git(top, ['diff', '--cached', '--name-only', '-z', '--no-renames', '--', spec]).length > 0) return;
  throw new UserError({ file: given, message: 'does not exist', hint: 'pass files or directories to scan (default: .)' }, ExitCode.usage);
}

/**
 * `path` with the folder it names resolved through symbolic links, as git's top is: a repository
 * reached through a linked folder is still the same repository. The last segment stays as given (a
 * staged symbolic link is a path of its own, not its target), and so does a pattern.
 */
export function realFolder(path: string): string {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return path;
  }
}

interface Blob {
  readonly path: string;
  readonly sha: string;
}

/** Every regular file of the index (stage 0) the selection takes: the tree the commit will have. */
function indexBlobs(cwd: string, top: string, sel: Selection): Blob[] {
  const out: Blob[] = [];
  for (const entry of git(top, ['ls-files', '--stage', '-z']).toString('utf8').split('\0')) {
    // "<mode> <sha> <stage>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [mode, sha, stage] = entry.slice(0, tab).split(' ');
    if (stage !== '0' || (mode !== '100644' && mode !== '100755')) continue;
    const path = displayPath(cwd, join(top, entry.slice(tab + 1)));
    if (sel.selected(path, false)) out.push({ path, sha: sha! });
  }
  return out;
}

/** Blobs read in one `git cat-file --batch`, sorted by path. */
function readBlobs(top: string, wanted: readonly Blob[]): SourceFile[] {
  if (wanted.length === 0) return [];
  const out = git(top, ['cat-file', '--batch'], wanted.map((w) => w.sha).join('\n') + '\n');
  const files: SourceFile[] = [];
  let at = 0;
  for (const w of wanted) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString('utf8').split(' ');
    const size = Number(header[2]);
    const body = out.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    files.push({ path: w.path, size, read: () => body });
  }
  return files.sort((a, b) => byCodePoint(a.path, b.path));
}
