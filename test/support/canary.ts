import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** A value that must never reach any output. Unique per call so a leak names its test. */
export function canary(label = 'canary'): string {
  return `${label}-${randomBytes(12).toString('hex')}`;
}

/** Fails when any part of the canary (its random tail, 8 characters or more) appears in a text. */
export function expectNoLeak(texts: readonly string[], secret: string): void {
  const tail = secret.slice(-16);
  for (const t of texts) {
    expect(t.includes(secret), 'secret value leaked').toBe(false);
    expect(t.includes(tail), 'part of a secret value leaked').toBe(false);
  }
}
