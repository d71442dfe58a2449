import type { EnvironmentSpec, ServiceCatalog, ServiceSpec, SignInSpec } from './types';

/**
 * Who may sign in through an OAuth client. oauth2-proxy's GitHub provider accepts every GitHub
 * account unless one of `--github-org`, `--github-team`, `--github-repo` or `--github-user` is set,
 * so an OAuth client without a restriction is refused by `validate` (see validate-security.ts).
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/github/
 */

/** The infrastructure singleton rendered as an oauth2-proxy Deployment (one per cluster and OAuth client). */
export const OAUTH2_PROXY_SERVICE = 'oauth2-proxy';

export interface ResolvedSignIn {
  readonly signIn: SignInSpec;
  /** Where it came from, for messages and docs. */
  readonly from: 'environment' | 'service' | 'repository';
}

/**
 * The restriction for the OAuth client serving `env`: the environment's `signIn`, else the
 * oauth2-proxy service's, else collaborators of `spec.github.repository` when the catalog states it
 * (never a repository guessed from elsewhere); undefined when none applies.
 */
export function signInFor(catalog: ServiceCatalog, service: ServiceSpec, env: EnvironmentSpec): ResolvedSignIn | undefined {
  if (env.signIn) return { signIn: env.signIn, from: 'environment' };
  if (service.signIn) return { signIn: service.signIn, from: 'service' };
  const repo = catalog.spec.github?.repository;
  return repo ? { signIn: { githubRepository: repo }, from: 'repository' } : undefined;
}

/** The oauth2-proxy flags of a restriction, in a fixed order (teams and users sorted). */
export function signInArgs(signIn: SignInSpec): string[] {
  const args: string[] = [];
  if (signIn.githubOrg) args.push(`--github-org=${signIn.githubOrg}`);
  if (signIn.githubTeams?.length) args.push(`--github-team=${[...signIn.githubTeams].sort().join(',')}`);
  if (signIn.githubRepository) args.push(`--github-repo=${signIn.githubRepository}`);
  if (signIn.githubUsers?.length) args.push(`--github-user=${[...signIn.githubUsers].sort().join(',')}`);
  return args;
}

/** Two restrictions that render the same flags are the same restriction. */
export function sameSignIn(a: SignInSpec, b: SignInSpec): boolean {
  return signInArgs(a).join('\n') === signInArgs(b).join('\n');
}

/** Whether a service is the oauth2-proxy singleton that synth renders. */
export function isOAuth2ProxySingleton(service: ServiceSpec): boolean {
  return service.name === OAUTH2_PROXY_SERVICE && service.scope === 'infrastructure-singleton' && service.workload !== false;
}
