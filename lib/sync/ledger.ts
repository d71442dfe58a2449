import { join } from 'node:path';
import { fileNameFor, readJsonFile, writeFileAtomic } from './state';

/**
 * What the sync last wrote to one target. GitHub never returns a value and every sealed box
 * differs, so this is how a replay is recognised: a keyed fingerprint of the value (never the
 * value), the public key it was sealed for, and the request's idempotency key.
 */
export interface LedgerEntry {
  /** The target id, e.g. `github:ameide/ameide:environment:ai:DEPLOY_TOKEN_AI`. */
  readonly target: string;
  /** HMAC-SHA256 of the value with the fingerprint key (hex). */
  readonly valueFingerprint: string;
  /** GitHub public key id the value was sealed with (GitHub targets only). */
  readonly keyId?: string;
  readonly idempotencyKey: string;
  readonly policy: string;
  /** ISO 8601 time of the write. */
  readonly writtenAt: string;
}

/** One JSON file per target under `<state>/ledger/<destination>/`. */
export class Ledger {
  constructor(private readonly dir: string) {}

  get(target: string): LedgerEntry | undefined {
    return readJsonFile<LedgerEntry>(this.file(target));
  }

  put(entry: LedgerEntry): void {
    writeFileAtomic(this.file(entry.target), JSON.stringify(entry, null, 2) + '\n');
  }

  private file(target: string): string {
    const destination = target.slice(0, target.indexOf(':'));
    return join(this.dir, 'ledger', destination, `${fileNameFor(target)}.json`);
  }
}
