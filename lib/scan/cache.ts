import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
const FORMAT = 'secretops-scan-cache/1';

/** Entries not used in this many runs are dropped, so the file tracks the tree. */
const KEEP_RUNS = 16;

/** Where `--cache` keeps its file unless `--cache-location` says otherwise (relative to the working directory). */
export const DEFAULT_CACHE_LOCATION = '.cache/secretops/scan-cache';

interface StoredEntry {
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly data: Buffer;
  /** The writing run that last used the entry. */
  run: number;
}

interface StoredCache {
  readonly run: number;
  readonly entries: Map<string, StoredEntry>;
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
  return createHash('sha256').update(bytes).digest('hex');
}

/** An outcome as cached, with the catalog digest it was computed against when its rules read the catalog. */
export interface CachedOutcome<T> {
  readonly outcome: T;
  readonly catalog?: string;
}

export class ScanCache<T> {
  private readonly stored: StoredCache;
  private changed = false;
  private readonly used = new Set<string>();

  private constructor(
    readonly file: string,
    private readonly scope: string,
    stored: StoredCache | undefined,
  ) {
    this.stored = { run: (stored?.run ?? 0) + 1, entries: stored?.entries ?? new Map() };
  }

  /**
   * Opens the cache file (absolute path); a missing, unreadable or damaged file is an empty cache
   * (it is rewritten at the end). `scope` is every input of a file's outcome but the file itself.
   */
  static open<T>(file: string, scope: readonly string[]): ScanCache<T> {
    return new ScanCache<T>(file, digest(['scope', ...scope]).toString('hex'), readStored(file));
  }

  /** The lookup for a file: its path, its bytes and the scope. */
  lookupFor(path: string, bytes: Buffer, extra = ''): CacheLookup {
    const content = createHash('sha256').update(bytes).digest();
    const base = digest([this.scope, path, extra]);
    return {
      id: createHash('sha256').update(base).update('id').update(content).digest('hex'),
      key: createHash('sha256').update(base).update('key').update(content).digest(),
      content: content.toString('hex'),
    };
  }

  /** The cached outcome, or undefined (not there, or it does not decrypt: a changed file never matches). */
  get(lookup: CacheLookup): CachedOutcome<T> | undefined {
    const entry = this.stored.entries.get(lookup.id);
    if (!entry) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', lookup.key, entry.iv);
      decipher.setAuthTag(entry.tag);
      const value = deserialize(Buffer.concat([decipher.update(entry.data), decipher.final()])) as CachedOutcome<T>;
      this.used.add(lookup.id);
      return value;
    } catch {
      this.stored.entries.delete(lookup.id);
      this.changed = true;
      return undefined;
    }
  }

  set(lookup: CacheLookup, value: CachedOutcome<T>): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', lookup.key, iv);
    const data = Buffer.concat([cipher.update(serialize(value)), cipher.final()]);
    this.stored.entries.set(lookup.id, { iv, tag: cipher.getAuthTag(), data, run: this.stored.run });
    this.changed = true;
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
    for (const [id, e] of this.stored.entries) if (this.stored.run - e.run >= KEEP_RUNS) this.stored.entries.delete(id);
    const dir = dirname(this.file);
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      // A folder made for the cache is kept out of Git (and so out of the scanner's walk); a
      // folder that was there already is the user's to configure (a `.gitignore` of `*` written
      // there could hide their whole repository).
      if (mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) writeFileSync(join(dir, '.gitignore'), '# secretops scan cache: never commit\n*\n');
      // A torn write is a damaged file, which reads as an empty cache: no fsync needed.
      writeFileSync(tmp, encodeStored(this.stored), { mode: 0o600 });
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
 * The file: the format line, the run number, then per entry its id, iv, tag, run and data,
 * fixed-size fields first. A flat layout read by offsets: decoding a structured-clone of
 * thousands of entries cost more than the rest of a cached scan's bookkeeping.
 */
const ID = 32;
const IV = 12;
const TAG = 16;
const HEAD = ID + IV + TAG + 4 + 4;

function encodeStored(stored: StoredCache): Buffer {
  const head = Buffer.from(`${FORMAT}\n`);
  const parts: Buffer[] = [head, u32(stored.run)];
  for (const [id, e] of stored.entries) {
    const fixed = Buffer.alloc(HEAD);
    fixed.write(id, 0, ID, 'hex');
    e.iv.copy(fixed, ID);
    e.tag.copy(fixed, ID + IV);
    fixed.writeUInt32LE(e.run, ID + IV + TAG);
    fixed.writeUInt32LE(e.data.length, ID + IV + TAG + 4);
    parts.push(fixed, e.data);
  }
  return Buffer.concat(parts);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function readStored(file: string): StoredCache | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return undefined;
  }
  const head = Buffer.byteLength(`${FORMAT}\n`);
  if (buf.length < head + 4 || buf.toString('latin1', 0, head) !== `${FORMAT}\n`) return undefined;
  const entries = new Map<string, StoredEntry>();
  let at = head + 4;
  while (at + HEAD <= buf.length) {
    const size = buf.readUInt32LE(at + ID + IV + TAG + 4);
    if (at + HEAD + size > buf.length) return undefined; // torn: start afresh
    entries.set(buf.toString('hex', at, at + ID), {
      iv: buf.subarray(at + ID, at + ID + IV),
      tag: buf.subarray(at + ID + IV, at + ID + IV + TAG),
      run: buf.readUInt32LE(at + ID + IV + TAG),
      data: buf.subarray(at + HEAD, at + HEAD + size),
    });
    at += HEAD + size;
  }
  return at === buf.length ? { run: buf.readUInt32LE(head), entries } : undefined;
}

function digest(parts: readonly string[]): Buffer {
  const h = createHash('sha256');
  // Length-prefixed, so that no two part lists hash alike.
  for (const p of parts) h.update(`${Buffer.byteLength(p)}:`).update(p);
  return h.digest();
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
