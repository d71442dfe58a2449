import { createCipheriv, createDecipheriv, createHash, hash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/**
 * The scan cache (`secretops scan --cache`): each file's outcome (findings, warnings, counts,
 * inline suppressions, project rules' summaries) remembered under a key made of the file's bytes
 * and everything else that decides the outcome (the scanner's code, its dependencies' versions,
 * the configuration, the date, the scan's mode and roots; the catalog's contents for a file whose
 * rules read the catalog). A file whose key is found is not decoded, parsed or checked again; the
 * project rules still run over every summary, so cross-file findings are always computed afresh.
 *
 * Nothing in the cache is readable without the file it describes: the key an outcome is found by
 * and the key it is encrypted with (AES-256-GCM) are both derived from a digest of the file's
 * bytes, which the cache does not hold. Summaries keep parts of documents (annotations can hold a
 * whole applied Secret), so a cache that held them in the clear would be a copy of the tree's
 * secrets outside Git's view. The folder gets a `.gitignore` of `*` so it is never committed, and
 * the scanner's walk never enters it.
 */

/** The cache file's format; a file of another format is ignored (and replaced). */
const FORMAT = 'secretops-scan-cache/4';

/** Entries not used in this many runs are dropped, so the file tracks the tree. */
const KEEP_RUNS = 16;

/**
 * Entries of another scope (an upgrade, another configuration or set of paths) are kept only
 * while one of the last this-many writing runs used them: two scans that alternate keep theirs,
 * an upgraded scanner does not carry the old generation for long.
 */
const KEEP_OTHER_SCOPE_RUNS = 2;

/** Where `--cache` keeps its file unless `--cache-location` says otherwise (relative to the working directory). */
export const DEFAULT_CACHE_LOCATION = '.cache/secretops/scan-cache';

interface StoredEntry {
  /**
   * The iv (12 bytes), the GCM tag (16) and the ciphertext, contiguous: one buffer per entry.
   * Held only for an entry made by this run when no spill file could be opened (see `Spill`).
   */
  readonly sealed?: Buffer;
  /** Where the sealed bytes are: the file read at the start, or this run's spill file. */
  readonly in?: 'spill';
  /** Offset of the sealed bytes there (-1 for an entry held in memory). */
  readonly at: number;
  readonly size: number;
  /** The first bytes of the scope's digest (a digest of digests: it tells nothing of the tree). */
  readonly tag: number;
  /** The writing run that last used the entry. */
  run: number;
}

interface StoredCache {
  readonly run: number;
  readonly entries: Map<string, StoredEntry>;
  /** The file the entries were read from, open for reading them (not held in memory: 38 MB for 90,000 files). */
  readonly source?: WindowReader;
}

/** What one file's cache key is made of, besides the scope. */
export interface CacheLookup {
  /** Finds the entry (hex). */
  readonly id: string;
  /** Encrypts it. */
  readonly key: Buffer;
  /** SHA-256 of the bytes looked up (hex; kept in memory only, never stored). */
  readonly content: string;
}

/** The digest `CacheLookup.content` holds, of bytes read again (an outcome is stored only for the bytes it was looked up by). */
export function contentDigest(bytes: Buffer): string {
  return hash('sha256', bytes, 'hex');
}

const IV = 12;
const TAG = 16;

export class ScanCache<T> {
  private readonly stored: StoredCache;
  private changed = false;
  private readonly used = new Set<string>();
  /** Where this run's new entries go until `save` (opened at the first; undefined: held in memory). */
  private spill: Spill | undefined;
  private spillTried = false;
  /** Appending to the spill file failed: new entries are held (the file stays for reading earlier ones). */
  private spillFull = false;

  private constructor(
    readonly file: string,
    private readonly scope: string,
    stored: StoredCache | undefined,
    private readonly tag: number,
  ) {
    this.stored = { run: (stored?.run ?? 0) + 1, entries: stored?.entries ?? new Map(), ...(stored?.source ? { source: stored.source } : {}) };
  }

  /**
   * Opens the cache file (absolute path); a missing, unreadable or damaged file is an empty cache
   * (it is rewritten at the end). `scope` is every input of a file's outcome but the file itself.
   */
  static open<T>(file: string, scope: readonly string[]): ScanCache<T> {
    const d = digest(['scope', ...scope]);
    return new ScanCache<T>(file, d.toString('hex'), readStored(file, d.readUInt32LE(0)), d.readUInt32LE(0));
  }

  /**
   * The lookup for a file: its path, its bytes and the scope; with `catalog` (a digest of the
   * catalog's inputs), the lookup of an outcome made with the catalog. Both keys come from the
   * file's bytes, so neither the catalog's part nor anything else is readable from the cache.
   */
  lookupFor(path: string, bytes: Buffer | CacheLookup, extra = '', catalog?: string): CacheLookup {
    // One-shot digests (`crypto.hash`): a Hash object per digest cost more than the hashing on
    // a tree of small files (four per file, 2.6 of 36 s on 90,000 files).
    const content = Buffer.isBuffer(bytes) ? sha256(bytes) : Buffer.from(bytes.content, 'hex');
    const base = digest([this.scope, path, extra, catalog === undefined ? '' : `catalog:${catalog}`]);
    return { id: labelled(base, ID_LABEL, content).toString('hex'), key: labelled(base, KEY_LABEL, content), content: content.toString('hex') };
  }

  /** Whether an entry is there (found entries are decrypted only when taken: see `get`). */
  has(lookup: CacheLookup): boolean {
    return this.stored.entries.has(lookup.id);
  }

  /**
   * The cached outcome, decrypted now; undefined when there is none or it does not decrypt (a
   * damaged or altered entry, which is dropped: the file is then checked afresh).
   */
  get(lookup: CacheLookup): T | undefined {
    const entry = this.stored.entries.get(lookup.id);
    if (!entry) return undefined;
    let plain: Buffer;
    try {
      const sealed = this.sealedOf(entry);
      const decipher = createDecipheriv('aes-256-gcm', lookup.key, sealed.subarray(0, IV));
      decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
      plain = decipher.update(sealed.subarray(IV + TAG));
      // GCM is a stream mode: `final` only checks the tag and adds nothing.
      const rest = decipher.final();
      if (rest.length > 0) plain = Buffer.concat([plain, rest]);
    } catch {
      this.stored.entries.delete(lookup.id);
      this.changed = true;
      return undefined;
    }
    this.used.add(lookup.id);
    return deserialize(plain) as T;
  }

  set(lookup: CacheLookup, outcome: T): void {
    const iv = freshIv();
    const cipher = createCipheriv('aes-256-gcm', lookup.key, iv);
    const body = cipher.update(serialize(outcome));
    const rest = cipher.final();
    const tag = cipher.getAuthTag();
    const parts = rest.length > 0 ? [iv, tag, body, rest] : [iv, tag, body];
    const size = IV + TAG + body.length + rest.length;
    // Deleted first, so entries stay in file order with this run's at the end (`WindowReader` reads ahead).
    this.stored.entries.delete(lookup.id);
    this.changed = true;
    const spill = this.spillFile();
    if (spill) {
      try {
        const at = spill.append(parts);
        this.stored.entries.set(lookup.id, { in: 'spill', at, size, tag: this.tag, run: this.stored.run });
        return;
      } catch {
        // A full disk: this and later entries are held instead. Entries whose bytes did not reach
        // the file read as damaged (dropped when taken; the save then warns it could not write).
        this.spillFull = true;
      }
    }
    const sealed = Buffer.concat(parts, size);
    this.stored.entries.set(lookup.id, { sealed, at: -1, size, tag: this.tag, run: this.stored.run });
  }

  /** The spill file, opened at the first new entry; undefined when it cannot be, or is full (entries are then held in memory). */
  private spillFile(): Spill | undefined {
    if (this.spillFull) return undefined;
    if (!this.spillTried) {
      this.spillTried = true;
      try {
        ensureCacheDir(dirname(this.file));
        this.spill = new Spill(`${this.file}.${process.pid}.new`);
      } catch {
        this.spill = undefined;
      }
    }
    return this.spill;
  }

  /** An entry's sealed bytes: held, or read from the file or the spill (a view valid until the next read). */
  private sealedOf(entry: StoredEntry): Buffer {
    if (entry.sealed) return entry.sealed;
    const bytes = entry.in === 'spill' ? this.spill?.read(entry.at, entry.size) : this.stored.source?.read(entry.at, entry.size);
    if (!bytes) throw new Error('cache entry unreadable');
    return bytes;
  }

  /** Lets go of the entries read and made (after `save`), and removes the spill file. */
  close(): void {
    this.stored.entries.clear();
    this.used.clear();
    this.stored.source?.close();
    this.spill?.remove();
    this.spill = undefined;
  }

  /**
   * Writes the cache when this run added to it (atomically: a temporary file renamed over it),
   * dropping entries that the last `KEEP_RUNS` writing runs did not use. A run that found every
   * file leaves the file as it is. A cache that cannot be written is not an error of the scan:
   * `warn` is told why.
   */
  save(warn: (message: string) => void): void {
    if (!this.changed) return;
    for (const id of this.used) this.stored.entries.get(id)!.run = this.stored.run;
    for (const [id, e] of this.stored.entries) {
      const age = this.stored.run - e.run;
      if (age >= KEEP_RUNS || (e.tag !== this.tag && age >= KEEP_OTHER_SCOPE_RUNS)) this.stored.entries.delete(id);
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      ensureCacheDir(dirname(this.file));
      // A torn write is a damaged file, which reads as an empty cache: no fsync needed.
      writeStored(tmp, this.stored, (e) => this.sealedOf(e));
      renameSync(tmp, this.file);
    } catch (err) {
      try {
        rmSync(tmp, { force: true });
      } catch {
        // nothing was written there
      }
      warn(`the scan cache could not be written (${(err as NodeJS.ErrnoException).code ?? 'error'}); the next scan reads every file again`);
    }
  }
}

/**
 * A folder made for the cache is kept out of Git (and so out of the scanner's walk); a folder
 * that was there already is the user's to configure (a `.gitignore` of `*` written there could
 * hide their whole repository).
 */
function ensureCacheDir(dir: string): void {
  if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) writeFileSync(join(dir, '.gitignore'), '# secretops scan cache: never commit\n*\n');
}

/**
 * This run's new entries, sealed, appended to a file beside the cache until `save` copies them
 * into the new cache file: held in memory they were most of a cold run's peak (419 against 255 MB
 * without the cache on 90,000 files; each small entry also kept alive the 8 KB pool slab it was
 * cut from). Written through a 1 MB buffer, read back through a `WindowReader`, mode 0600, and
 * as unreadable without the tree as the cache itself.
 */
class Spill {
  private readonly writer: BufferedWriter;
  private reader: WindowReader | undefined;

  /** A scan that ends before its save (an error) leaves no spill file behind. */
  private readonly onExit = () => this.remove();

  constructor(private readonly path: string) {
    this.writer = new BufferedWriter(openSync(path, 'w', 0o600));
    process.once('exit', this.onExit);
  }

  /** Appends the parts as one entry; returns its offset. */
  append(parts: readonly Buffer[]): number {
    const at = this.writer.written;
    for (const b of parts) this.writer.put(b);
    return at;
  }

  /** `length` bytes at `at`, written first if still buffered (a view valid until the next read). */
  read(at: number, length: number): Buffer | undefined {
    if (this.writer.flush()) {
      // A reader opened before knows the size it was opened with.
      this.reader?.close();
      this.reader = undefined;
    }
    this.reader ??= new WindowReader(this.path);
    return this.reader.read(at, length);
  }

  remove(): void {
    process.off('exit', this.onExit);
    this.reader?.close();
    this.reader = undefined;
    try {
      closeSync(this.writer.fd);
    } catch {
      // closed already
    }
    try {
      rmSync(this.path, { force: true });
    } catch {
      // left in the cache's folder (kept out of Git); the scan's outcome stands
    }
  }
}

/** Writes to a file through one 1 MB buffer (a write per small entry cost a system call each). */
class BufferedWriter {
  private readonly chunk = Buffer.allocUnsafe(WRITE_CHUNK);
  private used = 0;
  /** Bytes put so far (written and buffered). */
  written = 0;

  constructor(readonly fd: number) {}

  put(b: Buffer): void {
    if (this.used + b.length > WRITE_CHUNK) this.flush();
    if (b.length > WRITE_CHUNK) writeAllTo(this.fd, b, b.length);
    else this.used += b.copy(this.chunk, this.used);
    this.written += b.length;
  }

  /** Writes what is buffered; whether there was anything. */
  flush(): boolean {
    if (this.used === 0) return false;
    writeAllTo(this.fd, this.chunk, this.used);
    this.used = 0;
    return true;
  }
}

function writeAllTo(fd: number, b: Buffer, end: number): void {
  for (let off = 0; off < end; ) off += writeSync(fd, b, off, end - off);
}

/**
 * The file: the format line, the run number, then per entry its id, scope tag, run, size and
 * sealed bytes (iv, tag, ciphertext). A flat layout read by offsets: decoding a structured-clone of
 * thousands of entries cost more than the rest of a cached scan's bookkeeping.
 */
const ID = 32;
const HEAD = ID + 4 + 4 + 4;

/**
 * Writes the file through one 1 MB buffer (mode 0600): building it whole first held a second
 * copy of every entry (38 MB on 90,000 files) at the scan's peak.
 */
function writeStored(file: string, stored: StoredCache, sealedOf: (e: StoredEntry) => Buffer): void {
  const fd = openSync(file, 'w', 0o600);
  try {
    const out = new BufferedWriter(fd);
    out.put(Buffer.from(`${FORMAT}\n`));
    out.put(u32(stored.run));
    const fixed = Buffer.alloc(HEAD);
    for (const [id, e] of stored.entries) {
      fixed.write(id, 0, ID, 'hex');
      fixed.writeUInt32LE(e.tag, ID);
      fixed.writeUInt32LE(e.run, ID + 4);
      fixed.writeUInt32LE(e.size, ID + 8);
      out.put(fixed);
      out.put(sealedOf(e));
    }
    out.flush();
  } finally {
    closeSync(fd);
  }
}

const WRITE_CHUNK = 1024 * 1024;

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/**
 * The entries' index (id, scope tag, run, where the sealed bytes are); the bytes stay in the file,
 * read when an entry is taken or copied (`WindowReader`). Undefined for a missing, foreign or torn file.
 */
function readStored(file: string, tag: number): StoredCache | undefined {
  let source: WindowReader;
  try {
    source = new WindowReader(file);
  } catch {
    return undefined;
  }
  const stored = indexStored(source, tag);
  if (!stored) source.close();
  return stored;
}

function indexStored(source: WindowReader, tag: number): StoredCache | undefined {
  const format = Buffer.from(`${FORMAT}\n`);
  const head = source.read(0, format.length + 4);
  if (!head || !head.subarray(0, format.length).equals(format)) return undefined;
  const entries = new Map<string, StoredEntry>();
  const run = head.readUInt32LE(format.length);
  let at = format.length + 4;
  while (at + HEAD <= source.size) {
    const fixed = source.read(at, HEAD)!;
    const entryTag = fixed.readUInt32LE(ID);
    const entryRun = fixed.readUInt32LE(ID + 4);
    const size = fixed.readUInt32LE(ID + 8);
    if (size < IV + TAG || at + HEAD + size > source.size) return undefined; // torn: start afresh
    // Another scope's entries this run would drop anyway are not even held (an upgrade's first run).
    if (entryTag === tag || run + 1 - entryRun < KEEP_OTHER_SCOPE_RUNS) {
      entries.set(fixed.toString('hex', 0, ID), { at: at + HEAD, size, tag: entryTag, run: entryRun });
    }
    at += HEAD + size;
  }
  return at === source.size ? { run, entries, source } : undefined;
}

/**
 * Reads a file through a 1 MB window: entries are taken and copied mostly in file order, so a
 * window read serves thousands of them (a read per entry cost a system call each).
 */
class WindowReader {
  private readonly fd: number;
  readonly size: number;
  private window = Buffer.alloc(0);
  private start = 0;
  private open = true;

  constructor(file: string) {
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }

  /** `length` bytes at `at` (a view, valid until the next read), or undefined past the end. */
  read(at: number, length: number): Buffer | undefined {
    if (!this.open || at < 0 || at + length > this.size) return undefined;
    if (at < this.start || at + length > this.start + this.window.length) {
      const want = Math.min(Math.max(WINDOW, length), this.size - at);
      if (this.window.length < want) this.window = Buffer.allocUnsafe(Math.max(want, WINDOW));
      let got = 0;
      while (got < want) {
        const n = readSync(this.fd, this.window, got, want - got, at + got);
        if (n === 0) return undefined;
        got += n;
      }
      this.start = at;
      this.window = this.window.subarray(0, want);
    }
    return this.window.subarray(at - this.start, at - this.start + length);
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}

const WINDOW = 1024 * 1024;

function digest(parts: readonly string[]): Buffer {
  // Length-prefixed, so that no two part lists hash alike.
  let text = '';
  for (const p of parts) text += `${Buffer.byteLength(p)}:${p}`;
  return sha256(text);
}

function sha256(data: Buffer | string): Buffer {
  return hash('sha256', data, 'buffer') as unknown as Buffer;
}

const ID_LABEL = Buffer.from('id');
const KEY_LABEL = Buffer.from('key');

/** Scratch for `labelled`, one per label length (`Buffer.concat` per digest cost a third of a warm run's lookups). */
const LABELLED = new Map<number, Buffer>();

/** SHA-256 of base, label and content, one after the other. */
function labelled(base: Buffer, label: Buffer, content: Buffer): Buffer {
  const length = base.length + label.length + content.length;
  let scratch = LABELLED.get(length);
  if (!scratch) LABELLED.set(length, (scratch = Buffer.alloc(length)));
  scratch.set(base, 0);
  scratch.set(label, base.length);
  scratch.set(content, base.length + label.length);
  return sha256(scratch);
}

/** Random IVs drawn from a pool refilled 1,024 at a time (one `randomBytes` call per entry cost more than its encryption). */
let ivPool = Buffer.alloc(0);
let ivAt = 0;
function freshIv(): Buffer {
  if (ivAt + IV > ivPool.length) {
    ivPool = randomBytes(IV * 1024);
    ivAt = 0;
  }
  ivAt += IV;
  return ivPool.subarray(ivAt - IV, ivAt);
}

/**
 * A digest of files and folders (each file's path relative to `cwd` and its bytes, folders
 * walked in name order); a missing path counts as missing. Used for the catalog's inputs and the
 * user configuration; `by: 'stat'` digests size and modification time instead of bytes (the
 * scanner's own code: hundreds of files that change only when rebuilt or reinstalled).
 */
export function contentsDigest(cwd: string, paths: readonly string[], accept: (name: string) => boolean = () => true, by: 'bytes' | 'stat' = 'bytes'): string {
  const h = createHash('sha256');
  const visit = (abs: string) => {
    let st;
    try {
      st = statSync(abs);
    } catch {
      h.update(`missing:${relative(cwd, abs)}\0`);
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(abs).sort()) if (name !== 'node_modules' && name !== '.git') visit(join(abs, name));
      return;
    }
    if (!accept(abs)) return;
    const rel = relative(cwd, abs).split(sep).join('/');
    if (by === 'stat') {
      h.update(`${rel}\0${st.size}\0${st.mtimeMs}\0`);
      return;
    }
    const bytes = readFileSync(abs);
    h.update(`${rel}\0${bytes.length}\0`).update(bytes);
  };
  for (const p of paths) visit(resolve(cwd, p));
  return h.digest('hex');
}
