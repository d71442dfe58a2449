import type { EnvironmentSpec } from './types';

/**
 * Whether run-scoped bypass routes (and keys for them) are allowed in an environment: always in
 * ephemeral tiers (AI slots), elsewhere only when the catalog sets `allowBypass: true`.
 */
export function bypassAllowed(env: EnvironmentSpec): boolean {
  return env.tier === 'ephemeral' || env.allowBypass === true;
}
