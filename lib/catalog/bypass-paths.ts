/**
 * Bypass paths as the catalog declares them (`ingress.bypassPaths`): absolute paths where `*`
 * stands for exactly one path segment (`/api/v1/runs/*\/bypass`). The same reading serves the
 * ingress (which routes exactly these paths around oauth2-proxy) and the middleware (which takes
 * the run id from the first `*`), so the two can never disagree.
 */

const SEGMENT = '[^/]+';

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function hasWildcard(path: string): boolean {
  return path.includes('*');
}

/**
 * The regular expression body for a declared path, anchored at the end but not at the start
 * (ingress-nginx prefixes `^` itself when it renders a regex location). `*` becomes `[^/]+`.
 */
export function bypassPathRegexBody(path: string): string {
  return path.split('*').map(escapeRegex).join(SEGMENT) + '$';
}

/** A full matcher for a declared path: capture group N is the N-th `*`. */
export function bypassPathMatcher(path: string): RegExp {
  return new RegExp('^' + path.split('*').map(escapeRegex).join(`(${SEGMENT})`) + '$');
}

/** The value of the first `*` in the first declared path that `pathname` matches. */
export function matchBypassPath(paths: readonly string[], pathname: string): { path: string; wildcard?: string } | undefined {
  for (const path of paths) {
    const m = bypassPathMatcher(path).exec(pathname);
    if (m) return { path, wildcard: m[1] === undefined ? undefined : safeDecode(m[1]) };
  }
  return undefined;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
