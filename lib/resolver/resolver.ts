import { Diagnostic, UserError } from '../errors';
import type { Inventory } from '../catalog/fixtures';
import type { KeySpec, SecretSpec, ServiceCatalog, ServiceSpec } from '../catalog/types';
import { canonicalEnvironment, environmentPath, formatVaultLocation, PathContext, sharedPath } from '../catalog/layout';
import { environmentOverride } from '../catalog/overrides';

/**
 * The one secret resolver. For a logical key K of a service's secret in environment E it tries, in
 * order, and takes the first candidate that exists in E's inventory:
 *
 * 1. `env-override`: E's override key (keyOverrides, then the first matching pattern) at E's
 *    environment path, then at the shared path;
 * 2. `environment`: K at E's environment path;
 * 3. `shared`: K at the shared/platform path;
 * 4. `base`: the catalog `default` (non-secret keys only; validation refuses it on credentials).
 *
 * Pure and deterministic. The result is an audit record: it never holds a value.
 */
export type ResolutionTier = 'env-override' | 'environment' | 'shared' | 'base';
export const RESOLUTION_TIERS: readonly ResolutionTier[] = ['env-override', 'environment', 'shared', 'base'];

export interface VaultRef {
  /** Path relative to the KV mount, e.g. `ai/agents`. */
  readonly path: string;
  readonly property: string;
}

export interface Candidate {
  readonly tier: ResolutionTier;
  /** The key name looked up (the override key for `env-override`). */
  readonly sourceKey: string;
  /** `secret/ai/agents#DATABASE_URL`, or `catalog:/spec/services/0/secrets/0/keys/1/default` for base. */
  readonly location: string;
  /** Set for Vault candidates. */
  readonly vault?: VaultRef;
  readonly found: boolean;
}

export interface Resolution {
  /** The canonical environment. */
  readonly environment: string;
  /** The alias the request used, when it used one. */
  readonly alias?: string;
  readonly service: string;
  readonly secret: string;
  readonly key: string;
  readonly required: boolean;
  /** JSON pointer of the key in the catalog, e.g. `/spec/services/0/secrets/0/keys/1`. */
  readonly pointer: string;
  /** The override rule that produced the env-override candidate, if any. */
  readonly overrideRule?: string;
  readonly tried: readonly Candidate[];
  readonly winner: Candidate | null;
}

export interface ResolveRequest {
  /** An environment name or alias. */
  readonly environment: string;
  readonly service: string;
  readonly secret: string;
  readonly key: string;
}

export interface ResolverInput {
  readonly catalog: ServiceCatalog;
  /** Inventories by canonical environment name. */
  readonly inventories: ReadonlyMap<string, Inventory>;
}

export class Resolver {
  constructor(private readonly input: ResolverInput) {}

  /** Resolves one key. Unknown environment, service, secret or key is a UserError. */
  resolveKey(req: ResolveRequest): Resolution {
    const { catalog } = this.input;
    const env = this.environment(req.environment);
    const si = catalog.spec.services.findIndex((s) => s.name === req.service);
    if (si < 0) throw new UserError({ message: `unknown service "${req.service}"`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` });
    const service = catalog.spec.services[si]!;
    const ci = service.secrets.findIndex((s) => s.name === req.secret);
    if (ci < 0) throw new UserError({ message: `service "${service.name}" has no secret "${req.secret}"`, hint: `use one of: ${service.secrets.map((s) => s.name).join(', ')}` });
    const secret = service.secrets[ci]!;
    const ki = secret.keys.findIndex((k) => k.name === req.key);
    if (ki < 0) throw new UserError({ message: `secret "${secret.name}" has no key "${req.key}"`, hint: `use one of: ${secret.keys.map((k) => k.name).join(', ')}` });
    return this.resolve(env.environment.name, env.alias, service, secret, secret.keys[ki]!, `/spec/services/${si}/secrets/${ci}/keys/${ki}`);
  }

  /**
   * Every platform-level key of the environment (or of one service), in catalog order. Project and
   * user level secrets do not live in Vault and are not resolved here.
   */
  resolveEnvironment(environment: string, opts: { service?: string } = {}): Resolution[] {
    const { catalog } = this.input;
    const env = this.environment(environment);
    if (opts.service && !catalog.spec.services.some((s) => s.name === opts.service)) {
      throw new UserError({ message: `unknown service "${opts.service}"`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` });
    }
    const out: Resolution[] = [];
    catalog.spec.services.forEach((service, si) => {
      if (opts.service && service.name !== opts.service) return;
      service.secrets.forEach((secret, ci) => {
        if (secret.level !== 'platform') return;
        secret.keys.forEach((key, ki) =>
          out.push(this.resolve(env.environment.name, env.alias, service, secret, key, `/spec/services/${si}/secrets/${ci}/keys/${ki}`)),
        );
      });
    });
    return out;
  }

  /** The key name a tool should write for `key` in `environment`: its override key where one applies. */
  targetKeyName(environment: string, key: string): { key: string; tier: 'env-override' | 'environment'; rule?: string } {
    const env = this.environment(environment);
    const ov = environmentOverride(this.input.catalog, key, env.environment.name);
    return ov ? { key: ov.overrideKey, tier: 'env-override', rule: ov.rule } : { key, tier: 'environment' };
  }

  private environment(name: string) {
    const env = canonicalEnvironment(this.input.catalog, name);
    if (!env) {
      const known = [...this.input.catalog.spec.environments.map((e) => e.name), ...Object.keys(this.input.catalog.spec.secretResolution?.environmentAliases ?? {})];
      throw new UserError({ message: `unknown environment "${name}"`, hint: `use one of: ${known.join(', ')}` });
    }
    return env;
  }

  private resolve(environment: string, alias: string | undefined, service: ServiceSpec, secret: SecretSpec, key: KeySpec, pointer: string): Resolution {
    const { catalog, inventories } = this.input;
    const inventory = inventories.get(environment);
    const cluster = catalog.spec.environments.find((e) => e.name === environment)!.cluster;
    const ctx: PathContext = { environment, service: service.name, secret: secret.name, cluster };
    const envPath = environmentPath(catalog, ctx);
    const shPath = sharedPath(catalog, ctx);
    const kv = catalog.spec.vault.kvMount;
    const vaultCandidate = (tier: ResolutionTier, sourceKey: string, path: string): Candidate => ({
      tier,
      sourceKey,
      location: formatVaultLocation(kv, path, sourceKey),
      vault: { path, property: sourceKey },
      found: inventory?.has(path, sourceKey) ?? false,
    });

    const tried: Candidate[] = [];
    const override = environmentOverride(catalog, key.name, environment);
    if (override) {
      tried.push(vaultCandidate('env-override', override.overrideKey, envPath));
      if (shPath !== envPath) tried.push(vaultCandidate('env-override', override.overrideKey, shPath));
    }
    tried.push(vaultCandidate('environment', key.name, envPath));
    if (shPath !== envPath) tried.push(vaultCandidate('shared', key.name, shPath));
    if (key.default !== undefined) tried.push({ tier: 'base', sourceKey: key.name, location: `catalog:${pointer}/default`, found: true });

    return {
      environment,
      ...(alias ? { alias } : {}),
      service: service.name,
      secret: secret.name,
      key: key.name,
      required: !key.optional,
      pointer,
      ...(override ? { overrideRule: override.rule } : {}),
      tried,
      winner: tried.find((c) => c.found) ?? null,
    };
  }
}

/** Required keys that resolve nowhere, each as a diagnostic listing every candidate tried. */
export function unresolvedDiagnostics(resolutions: readonly Resolution[]): Diagnostic[] {
  return resolutions
    .filter((r) => r.required && r.winner === null)
    .map((r) => ({
      pointer: r.pointer,
      message: `${r.environment}: key "${r.key}" of secret "${r.secret}" (service "${r.service}") resolves nowhere; tried ${r.tried.map((c) => `${c.tier} ${c.location}`).join(', ')}`,
      hint: 'add the key to the fixtures or inventory of this environment (`secretops fixtures scaffold`), mark it optional, or give a non-secret default',
    }));
}
