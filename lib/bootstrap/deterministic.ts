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

/** What a generated fixture needs to know about its shape (a FixtureKeyPlan). */
export interface FixtureShape {
  readonly length?: number;
  readonly format?: 'base64url' | 'url';
  readonly bytes?: number;
  readonly template?: string;
}

/** Hex characters a generated fixture is made from: two per byte of a base64url value, else `length`. */
export function sourceHexLength(shape: FixtureShape): number {
  return shape.format === 'base64url' ? 2 * (shape.bytes ?? 32) : (shape.length ?? 32);
}

/**
 * A generated fixture value in its shape, from `hex` (at least sourceHexLength characters): the
 * hex itself; its bytes base64url-encoded without padding; or the URL template with `{secret}`,
 * `{service}` (the path's last segment) and `{environment}` (its first). The dev script's jq
 * (`FX_SHAPE_JQ` in dev-script.ts) computes the same in the cluster; tests hold them to each other.
 */
export function shapeFixtureValue(hex: string, path: string, shape: FixtureShape): string {
  const raw = hex.slice(0, sourceHexLength(shape));
  if (shape.format === 'base64url') return Buffer.from(raw, 'hex').toString('base64url');
  if (shape.format === 'url') {
    const segments = path.split('/');
    return shape.template!.replace(/\{(secret|service|environment)\}/g, (_, p: string) => (p === 'secret' ? raw : p === 'service' ? segments[segments.length - 1]! : segments[0]!));
  }
  return raw;
}

/** The value the dev bootstrap creates for a `generate: deterministic` fixture, in its shape. */
export function deterministicFixture(seed: string, path: string, key: string, shape: FixtureShape): string {
  return shapeFixtureValue(deterministicFixtureValue(seed, path, key, sourceHexLength(shape)), path, shape);
}
