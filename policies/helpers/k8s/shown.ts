/**
 * Names as findings may show them. Rules print object names, Secret keys and route paths, never
 * values; but a value can sit where a name belongs (a password typed into `existingSecret`, a
 * token in a webhook path). What cannot be a Kubernetes name, or looks random, is not printed.
 */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A long run of mixed letters and digits (within one `-`/`.`/`_` part) reads like a token, not a word. */
function looksRandom(s: string): boolean {
  return s.split(/[-._]/).some((part) => part.length >= 16 && /[0-9]/.test(part) && /[a-zA-Z]/.test(part));
}

/** An object name (Secret, store...), or a placeholder when it cannot be one. */
export function shownName(name: string): string {
  return name.length <= 253 && DNS_SUBDOMAIN.test(name) && !looksRandom(name) ? name : '<not a valid name>';
}

/** A Secret data key, or a placeholder when it cannot be one. */
export function shownKey(key: string): string {
  return key.length <= 253 && SECRET_KEY.test(key) && !looksRandom(key) ? key : '<not a valid key>';
}

/** A route path with random-looking segments masked. */
export function shownPath(path: string): string {
  return path
    .split('/')
    .map((seg) => (looksRandom(seg) ? '…' : seg))
    .join('/');
}
