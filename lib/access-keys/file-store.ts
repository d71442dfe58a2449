import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors';
import { writeFileAtomic } from '../fs-atomic';
import type { AccessKeyRecord } from './record';
import { AccessKeyStore, sortRecords, VersionedRecord } from './store';
import { isAccessKeyId } from './key-format';

/** A lock older than this was left by a crashed writer. */
const STALE_LOCK_MS = 10_000;

interface FileContent {
  readonly version: number;
  readonly record: AccessKeyRecord;
}

/**
 * The development store: one JSON file per key under `<stateDir>/access-keys/` (folder 0700,
 * files 0600). Writes go to a temporary file and are renamed into place, under an exclusive lock
 * file, so a reader never sees half a record and a stale writer gets `'conflict'`.
 */
export class FileAccessKeyStore implements AccessKeyStore {
  readonly dir: string;
  readonly description: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'access-keys');
    this.description = `file store ${this.dir}`;
  }

  async create(record: AccessKeyRecord): Promise<void> {
    this.ensureDir();
    const locked = this.withLock(record.id, () => {
      if (this.readFile(record.id)) throw new Error(`access key ${record.id} already exists in ${this.description}`);
      this.writeFile(record.id, { version: 1, record });
    });
    if (!locked) throw new Error(`access key ${record.id} is being written concurrently`);
  }

  async read(id: string): Promise<VersionedRecord | undefined> {
    const c = this.readFile(id);
    return c ? { record: c.record, version: String(c.version) } : undefined;
  }

  async replace(record: AccessKeyRecord, version: string): Promise<'ok' | 'conflict'> {
    let result: 'ok' | 'conflict' = 'conflict';
    this.withLock(record.id, () => {
      const current = this.readFile(record.id);
      if (!current || String(current.version) !== version) return;
      this.writeFile(record.id, { version: current.version + 1, record });
      result = 'ok';
    });
    return result;
  }

  async list(filter: { readonly runId?: string } = {}): Promise<AccessKeyRecord[]> {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const records = names
      .filter((n) => n.endsWith('.json') && isAccessKeyId(n.slice(0, -5)))
      .map((n) => this.readFile(n.slice(0, -5))?.record)
      .filter((r): r is AccessKeyRecord => r !== undefined && (filter.runId === undefined || r.scope.runId === filter.runId));
    return sortRecords(records);
  }

  private ensureDir(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    // Ids come from parsed keys or the command line: refuse anything that could leave the folder.
    if (!isAccessKeyId(id)) throw new Error('not an access key id');
    return join(this.dir, `${id}.json`);
  }

  private readFile(id: string): FileContent | undefined {
    if (!isAccessKeyId(id)) return undefined;
    try {
      return JSON.parse(readFileSync(this.file(id), 'utf8')) as FileContent;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new UserError(
        { file: this.file(id), message: `access key record cannot be read (${(err as NodeJS.ErrnoException).code ?? 'invalid JSON'})`, hint: 'restore or remove the file; the file store is for development only' },
        ExitCode.usage,
      );
    }
  }

  private writeFile(id: string, content: FileContent): void {
    writeFileAtomic(this.file(id), JSON.stringify(content, null, 2) + '\n', { mode: 0o600 });
  }

  /** Runs `fn` holding `<id>.lock`; false when another writer holds it. */
  private withLock(id: string, fn: () => void): boolean {
    this.ensureDir();
    const lock = `${this.file(id)}.lock`;
    let fd: number;
    try {
      fd = openSync(lock, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (filesystemNow(lock) - statSync(lock).mtimeMs < STALE_LOCK_MS) return false;
      rmSync(lock, { force: true });
      return this.withLock(id, fn);
    }
    try {
      fn();
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
    return true;
  }
}

/**
 * Now as the filesystem that holds `beside` sees it: the lock's age is the difference of two
 * timestamps of one clock, so a process clock that differs from the file server's (NFS, a
 * container, `faketime` in tests) neither breaks a live lock nor keeps a stale one.
 */
function filesystemNow(beside: string): number {
  const probe = `${beside}.now-${process.pid}`;
  try {
    writeFileSync(probe, '', { mode: 0o600 });
    return statSync(probe).mtimeMs;
  } finally {
    rmSync(probe, { force: true });
  }
}
