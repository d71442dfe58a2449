/**
 * GitHub's documented limits for Actions secrets: 48 KB per secret, 100 secrets per repository
 * and 100 per environment; names of letters, digits and `_`, not starting with a digit or `GITHUB_`.
 * Kept apart from the client so planning does not load Octokit.
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions#limits-for-secrets
 */
export const GITHUB_SECRET_MAX_BYTES = 48 * 1024;
export const GITHUB_SECRETS_PER_SCOPE = 100;

/** Why GitHub would refuse this name, or undefined when it is acceptable. */
export function githubNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return 'GitHub secret names use letters, digits and _ and do not start with a digit';
  if (/^GITHUB_/i.test(name)) return 'GitHub secret names must not start with GITHUB_';
  return undefined;
}
