import type { OverridePattern, ServiceCatalog } from './types';
import { ownValue } from '../own';

/** Placeholders an override template may use. */
export const TEMPLATE_PLACEHOLDERS = ['key', 'prefix', 'name', 'ENV'];

/** `ai-staging` -> `AI_STAGING`: how `{ENV}` renders an environment name. */
export function envToken(environment: string): string {
  return environment.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The override key a pattern makes for `key` in `environment`, or undefined when it does not apply.
 * The pattern applies when it lists any of `names` (the environment and its aliases); `{ENV}`
 * always renders the environment itself, so an alias resolves exactly as its environment does.
 */
export function overrideKeyFor(pattern: OverridePattern, key: string, environment: string, names: readonly string[] = [environment]): string | undefined {
  if (!names.some((n) => pattern.environments.includes(n))) return undefined;
  if (!key.startsWith(pattern.sourcePrefix)) return undefined;
  if (pattern.excludeKeys?.includes(key)) return undefined;
  if (pattern.excludePrefixes?.some((p) => key.startsWith(p))) return undefined;
  const values: Record<string, string> = {
    key,
    prefix: pattern.sourcePrefix,
    name: key.slice(pattern.sourcePrefix.length),
    ENV: envToken(environment),
  };
  return pattern.overrideTemplate.replace(/\{([A-Za-z]+)\}/g, (whole, n: string) => values[n] ?? whole);
}

export interface OverrideChoice {
  readonly overrideKey: string;
  /** `keyOverrides` or `patterns[i]`: which rule made it. */
  readonly rule: string;
}

/**
 * The environment override key for `key` in `environment` (an environment name, not an alias):
 * an explicit keyOverrides entry first, then the first matching pattern. Aliases given in
 * keyOverrides/patterns are honoured as the environment they stand for.
 */
export function environmentOverride(catalog: ServiceCatalog, key: string, environment: string): OverrideChoice | undefined {
  const res = catalog.spec.secretResolution;
  if (!res) return undefined;
  const names = namesFor(catalog, environment);
  const explicit = ownValue(res.keyOverrides, key)?.overrideKeys;
  if (explicit) {
    for (const n of names) {
      const ok = ownValue(explicit, n);
      if (ok) return { overrideKey: ok, rule: 'keyOverrides' };
    }
  }
  const patterns = res.patterns ?? [];
  for (let i = 0; i < patterns.length; i++) {
    const ok = overrideKeyFor(patterns[i]!, key, environment, names);
    if (ok !== undefined && ok !== key) return { overrideKey: ok, rule: `patterns[${i}]` };
  }
  return undefined;
}

/** The environment's own name first, then every alias that points at it (sorted). */
function namesFor(catalog: ServiceCatalog, environment: string): string[] {
  const aliases = Object.entries(catalog.spec.secretResolution?.environmentAliases ?? {})
    .filter(([, target]) => target === environment)
    .map(([alias]) => alias)
    .sort();
  return [environment, ...aliases];
}
