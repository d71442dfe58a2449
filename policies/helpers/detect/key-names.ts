import { normalizeKeyName } from '../../../lib/credential-like';

/**
 * Name heuristics that complement the configured credential-like patterns in places where the
 * container itself says "secret": inside a Secret's data or a secretGenerator, a key called `key`,
 * `accountKey` or `ca.key` holds key material (Ceph, Azure storage, TLS), whereas in a values file
 * or a ConfigMap a bare `key:` is usually a lookup name.
 */
const KEY_MATERIAL_NAME = /keys?$/;
const NOT_KEY_MATERIAL = /(?:^|_)(?:public|pub|crt|cert|certificate|ca_bundle|known_hosts)(?:_?keys?)?$|publickey$|pubkey$/;

export function looksLikeKeyMaterialName(name: string): boolean {
  const n = normalizeKeyName(name);
  return KEY_MATERIAL_NAME.test(n) && !NOT_KEY_MATERIAL.test(n);
}

/** Names whose value is a URL that is itself the secret (incoming webhooks). */
export function isSecretUrlName(name: string): boolean {
  return /(?:^|_)webhook(?:_?url)?$|(?:^|_)webhook_?uri$/.test(normalizeKeyName(name));
}

/** The last segment of a dotted Helm parameter path (`auth.password`, `secrets[0].token`). */
export function lastPathSegment(name: string): string {
  const parts = name.replace(/\[\d+\]/g, '').split('.');
  return parts[parts.length - 1] ?? name;
}
