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
  /**
   * How `valueFingerprint` was made: `hmac-sha256-hkdf-v2` (a key derived for the ledger alone).
   * Entries without it were written by an older secretops with the seed itself as the key.
   */
  readonly fingerprintVersion?: string;
  /** GitHub public key id the value was sealed with (GitHub targets only). */
  readonly keyId?: string;
  readonly idempotencyKey: string;
  readonly policy: string;
  /** The slot instance whose sync wrote it (`ai-slot-1`), when one was named: slots share GitHub targets. */
  readonly instance?: string;
  /**
   * The canonical environment whose sync wrote it: every environment shares a repository secret.
   * Entries written before this field have none and are not compared by environment.
   */
  readonly environment?: string;
  /** ISO 8601 time of the write. */
  readonly writtenAt: string;
}

/** What `fingerprintVersion` says for entries this version writes. */
export const LEDGER_FINGERPRINT_VERSION = 'hmac-sha256-hkdf-v2';

/** One JSON file per target under `<state>/ledger/<destination>/`. */
export class Ledger {
  constructor(private readonly dir: string) {}

  /**
   * The entry for a target. An entry of an older fingerprint scheme cannot be compared with
   * today's fingerprints, so it counts as unknown: the target is inspected again and (for GitHub,
   * which shows no values) written once more, after which the ledger is current. A damaged file is
   * a UserError naming it.
   */
  get(target: string): LedgerEntry | undefined {
    const file = this.file(target);
    const entry = readJsonFile<LedgerEntry>(file, 'sync ledger entry', `remove ${file}; the next sync inspects ${target} again and rewrites it if it differs`);
    return entry?.fingerprintVersion === LEDGER_FINGERPRINT_VERSION ? entry : undefined;
  }

  put(entry: Omit<LedgerEntry, 'fingerprintVersion'>): void {
    writeFileAtomic(this.file(entry.target), JSON.stringify({ ...entry, fingerprintVersion: LEDGER_FINGERPRINT_VERSION } satisfies LedgerEntry, null, 2) + '\n');
  }

  private file(target: string): string {
    const destination = target.slice(0, target.indexOf(':'));
    return join(this.dir, 'ledger', destination, `${fileNameFor(target)}.json`);
  }
}
