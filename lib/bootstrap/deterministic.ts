import { createHmac } from 'node:crypto';

/**
 * The value the dev bootstrap computes in the cluster for a `generate: deterministic` fixture, in
 * TypeScript: hex HMAC-SHA256(seed, "<path>#<key>"), extended with HMAC-SHA256(seed,
 * "<path>#<key>#<n>") for n = 2, 3... when longer than 64 characters, cut to `length`. The script
 * (`seed_fixtures` in the dev script, HMAC from key pads on stdin) must agree with it; tests hold them
 * to each other.
 */
export function deterministicFixtureValue(seed: string, path: string, key: string, length: number): string {
  const message = `${path}#${key}`;
  let out = '';
  for (let block = 1; out.length < length; block++) {
    out += createHmac('sha256', seed)
      .update(block === 1 ? message : `${message}#${block}`)
      .digest('hex');
  }
  return out.slice(0, length);
}
