import { isCredentialLikeKey } from '../credential-like';

/** What replaces anything the guard refuses to write. */
export const REDACTED = '[REDACTED]';

/**
 * The last line of defence between an audit event and the log: audit callers already leave secrets
 * out, and this guard makes a mistake visible instead of persistent. It replaces
 *   - every value registered with `forbid` (e.g. a plaintext key while it exists in memory),
 *   - every match of a registered token pattern (e.g. the access-key format), anywhere in a string,
 *   - the value of every field whose name is credential-like (`token`, `secret`, `digest`...).
 */
export class RedactionGuard {
  private readonly values = new Set<string>();
  private readonly patterns: RegExp[] = [];

  constructor(opts: { patterns?: readonly RegExp[] } = {}) {
    for (const p of opts.patterns ?? []) this.addPattern(p);
  }

  /** Never write this value (values shorter than 8 characters are too common to redact safely). */
  forbid(value: string): void {
    if (value.length >= 8) this.values.add(value);
  }

  addPattern(pattern: RegExp): void {
    if (this.patterns.some((p) => p.source === pattern.source)) return;
    this.patterns.push(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'));
  }

  /** A deep copy of `event` with everything secret replaced; `redacted` says whether anything was. */
  apply<T>(event: T): { event: T; redacted: boolean } {
    let redacted = false;
    const scrubString = (s: string): string => {
      let out = s;
      for (const v of this.values) if (out.includes(v)) out = out.split(v).join(REDACTED);
      for (const re of this.patterns) out = out.replace(re, REDACTED);
      if (out !== s) redacted = true;
      return out;
    };
    const walk = (value: unknown, key?: string): unknown => {
      if (key !== undefined && isSecretField(key) && value !== undefined && value !== null) {
        redacted = true;
        return REDACTED;
      }
      if (typeof value === 'string') return scrubString(value);
      if (Array.isArray(value)) return value.map((v) => walk(v));
      if (value && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [scrubString(k), walk(v, k)]));
      }
      return value;
    };
    return { event: walk(event) as T, redacted };
  }
}

/** Credential-like field names, plus `digest`/`hash`: a stored key digest is verifier material. */
function isSecretField(name: string): boolean {
  return isCredentialLikeKey(name) || /^(digest|hash|hmac|plaintext)$/i.test(name);
}
