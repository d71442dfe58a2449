import { Diagnostic } from '../errors';
import { CredentialKeyMatcher, isCredentialLikeKey } from '../credential-like';
import { diagnosticAt, pointerOf, YamlSource } from '../yaml-source';
import type { EnvironmentSpec, ServiceCatalog, ServiceSpec } from './types';
import { isProductionTier } from './types';
import { environmentInstances, serviceNamespace } from './layout';
import { environmentOverride, overrideKeyFor, TEMPLATE_PLACEHOLDERS } from './overrides';
import { DEFAULT_MAX_TTL, DEFAULT_TTL, ttlPolicy } from './access-key-ttl';

/**
 * Checks that JSON Schema cannot express: uniqueness, cross references between sections, and
 * rules that keep secrets out of the catalog. Every diagnostic carries a pointer and a position.
 */
/** What every semantic check reads: the catalog, where to report, and the names checks share. */
interface SemanticContext {
  readonly catalog: ServiceCatalog;
  readonly spec: ServiceCatalog['spec'];
  /** Reports a problem at a pointer (at the key rather than the value when `key`). */
  readonly at: (segments: (string | number)[], message: string, hint?: string, key?: boolean) => void;
  readonly isCredential: CredentialKeyMatcher;
  readonly envNames: ReadonlySet<string>;
  readonly aliases: Readonly<Record<string, string>>;
  /** An environment name, or an alias of one. */
  readonly knownEnv: (name: string) => boolean;
}

/** The checks, in the order their diagnostics are collected (they are sorted by position afterwards). */
const SEMANTIC_CHECKS: readonly ((c: SemanticContext) => void)[] = [
  checkDuplicateNames, checkDeclaredClusters, checkNamespaceTemplates, checkSecretCollisions, checkSharedNamespaces, checkAliases, checkOverrides, checkCredentialDefaults, checkSingletons, checkAccessKeys,
];

/**
 * Checks that JSON Schema cannot express: uniqueness, cross references between sections, and
 * rules that keep secrets out of the catalog. Every diagnostic carries a pointer and a position.
 */
export function checkCatalogSemantics(
  catalog: ServiceCatalog,
  src: YamlSource,
  isCredential: CredentialKeyMatcher = isCredentialLikeKey,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const spec = catalog.spec;
  const envNames = new Set(spec.environments.map((e) => e.name));
  const aliases = spec.secretResolution?.environmentAliases ?? {};
  const context: SemanticContext = {
    catalog,
    spec,
    at: (segments, message, hint, key = false) => out.push(diagnosticAt(src, pointerOf(segments), message, hint, { key })),
    isCredential,
    envNames,
    aliases,
    knownEnv: (name) => envNames.has(name) || (Object.hasOwn(aliases, name) && envNames.has(aliases[name]!)),
  };
  for (const check of SEMANTIC_CHECKS) check(context);
  return out;
}

/** Names that must be unique: environments, services, clusters, a service's secrets, a secret's keys. */
function checkDuplicateNames({ spec, at }: SemanticContext): void {
  duplicates(spec.environments.map((e) => e.name)).forEach(([name, i, first]) =>
    at(['spec', 'environments', i, 'name'], `duplicate environment name "${name}" (first at /spec/environments/${first})`, 'give each environment a unique name'),
  );
  duplicates(spec.services.map((s) => s.name)).forEach(([name, i, first]) =>
    at(['spec', 'services', i, 'name'], `duplicate service name "${name}" (first at /spec/services/${first})`, 'give each service a unique name'),
  );
  duplicates((spec.clusters ?? []).map((c) => c.name)).forEach(([name, i]) =>
    at(['spec', 'clusters', i, 'name'], `duplicate cluster name "${name}"`, 'declare each cluster once'),
  );
  spec.services.forEach((svc, si) => {
    duplicates(svc.secrets.map((s) => s.name)).forEach(([name, i]) =>
      at(['spec', 'services', si, 'secrets', i, 'name'], `duplicate secret name "${name}" in service "${svc.name}"`, 'merge the two entries or rename one'),
    );
    svc.secrets.forEach((sec, ci) =>
      duplicates(sec.keys.map((k) => k.name)).forEach(([name, i]) =>
        at(['spec', 'services', si, 'secrets', ci, 'keys', i, 'name'], `duplicate key "${name}" in secret "${sec.name}"`, 'list each key once'),
      ),
    );
  });
}

/** Environments name declared clusters (when spec.clusters is given). */
function checkDeclaredClusters({ spec, at }: SemanticContext): void {
  if (spec.clusters) {
    const declared = new Set(spec.clusters.map((c) => c.name));
    spec.environments.forEach((env, i) => {
      if (!declared.has(env.cluster))
        at(['spec', 'environments', i, 'cluster'], `environment "${env.name}" names cluster "${env.cluster}", which spec.clusters does not declare`, `declare it under spec.clusters or use one of: ${[...declared].join(', ')}`);
    });
  }
}

/** Namespace templates must fill in to DNS labels in every environment instance. */
function checkNamespaceTemplates({ spec, at }: SemanticContext): void {
  spec.services.forEach((svc, si) => {
    if (svc.scope !== 'environment' || !svc.namespace) return;
    const bad = spec.environments.flatMap(environmentInstances).map((inst) => serviceNamespace(svc, inst)).find((ns) => !isDnsLabel(ns));
    if (bad !== undefined)
      at(['spec', 'services', si, 'namespace'], `namespace "${svc.namespace}" of service "${svc.name}" fills in to "${bad}", which is not a DNS label`, 'keep to lower-case letters, digits and "-", at most 63 characters, starting and ending with a letter or digit');
  });
}

/** Two Secrets with one name in one namespace of one cluster (platform secrets are the rendered ones). */
function checkSecretCollisions({ spec, at }: SemanticContext): void {
  const owners = new Map<string, { si: number; ci: number }>();
  const collisions = new Map<string, { si: number; ci: number; other: { si: number; ci: number }; places: string[] }>();
  spec.services.forEach((svc, si) => {
    for (const place of placements(spec.environments, svc)) {
      svc.secrets.forEach((sec, ci) => {
        if (sec.level !== 'platform') return;
        const k = `${place}/${sec.name}`;
        const prev = owners.get(k);
        if (!prev) owners.set(k, { si, ci });
        else if (prev.si !== si) {
          const id = `${si}/${ci}/${prev.si}`;
          const c = collisions.get(id) ?? { si, ci, other: prev, places: [] };
          c.places.push(place);
          collisions.set(id, c);
        }
      });
    }
  });
  for (const c of collisions.values()) {
    const svc = spec.services[c.si]!;
    const sec = svc.secrets[c.ci]!;
    at(
      ['spec', 'services', c.si, 'secrets', c.ci, 'name'],
      `Secret "${sec.name}" of service "${svc.name}" collides with the one of service "${spec.services[c.other.si]!.name}" (${pointerOf(['spec', 'services', c.other.si, 'secrets', c.other.ci, 'name'])}) in ${c.places.join(', ')} (cluster/namespace)`,
      'rename one of the Secrets or give one service another namespace',
    );
  }
}

/**
 * Instances of one service that land in one namespace of a cluster (a literal namespace, or
 * `{environment}` with slots) would each render the same Secrets there.
 */
function checkSharedNamespaces({ spec, at }: SemanticContext): void {
  spec.services.forEach((svc, si) => {
    if (svc.scope !== 'environment' || !svc.namespace || !svc.secrets.some((s) => s.level === 'platform')) return;
    const instances = new Map<string, string[]>(); // cluster/namespace -> instance names
    for (const env of spec.environments) {
      for (const inst of environmentInstances(env)) {
        const place = `${env.cluster}/${serviceNamespace(svc, inst)}`;
        instances.set(place, [...(instances.get(place) ?? []), inst.name]);
      }
    }
    const shared = [...instances].find(([, names]) => names.length > 1);
    if (shared) {
      const [place, names] = shared;
      const [cluster, ns] = place.split('/') as [string, string];
      at(
        ['spec', 'services', si, 'namespace'],
        `namespace "${svc.namespace}" of service "${svc.name}" puts ${names.length} environment instances (${names.join(', ')}) in namespace "${ns}" on cluster "${cluster}", so their Secrets would collide`,
        'use a template such as "{instance}-' + svc.name + '" or leave namespace unset (default "{instance}")',
      );
    }
  });
}

/** Aliases name environments, not other aliases or unknown names. */
function checkAliases({ at, envNames, aliases }: SemanticContext): void {
  for (const [alias, target] of Object.entries(aliases)) {
    if (envNames.has(alias)) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" has the name of an environment`, 'rename the alias', true);
    } else if (Object.hasOwn(aliases, target)) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" points at alias "${target}"; chains and cycles are not allowed`, `point it at an environment: ${[...envNames].join(', ')}`);
    } else if (!envNames.has(target)) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" points at unknown environment "${target}"`, `use one of: ${[...envNames].join(', ')}`);
    }
  }
}

/** Key overrides and override patterns name known environments and make valid, distinct keys. */
function checkOverrides({ spec, at, envNames, knownEnv }: SemanticContext): void {
  for (const [sourceKey, ov] of Object.entries(spec.secretResolution?.keyOverrides ?? {})) {
    for (const [env, overrideKey] of Object.entries(ov.overrideKeys)) {
      const ptr = ['spec', 'secretResolution', 'keyOverrides', sourceKey, 'overrideKeys', env];
      if (!knownEnv(env)) at(ptr, `override for "${sourceKey}" names unknown environment "${env}"`, `use one of: ${[...envNames].join(', ')}`, true);
      if (overrideKey === sourceKey) at(ptr, `override key for "${sourceKey}" in "${env}" is the source key itself`, 'name a different key, for example ' + `${sourceKey}_${env.toUpperCase()}`);
    }
  }
  (spec.secretResolution?.patterns ?? []).forEach((p, pi) => {
    p.environments.forEach((env, ei) => {
      if (!knownEnv(env)) at(['spec', 'secretResolution', 'patterns', pi, 'environments', ei], `pattern names unknown environment "${env}"`, `use one of: ${[...envNames].join(', ')}`);
    });
    const tpl = ['spec', 'secretResolution', 'patterns', pi, 'overrideTemplate'];
    const placeholders = [...p.overrideTemplate.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
    const unknown = placeholders.filter((n) => !TEMPLATE_PLACEHOLDERS.includes(n));
    if (placeholders.length === 0) {
      at(tpl, `override template "${p.overrideTemplate}" has no placeholder, so every key would map to one override key`, `use ${TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}, e.g. "{key}_AI"`);
    } else if (unknown.length > 0) {
      at(tpl, `override template uses unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(', ')}`, `use ${TEMPLATE_PLACEHOLDERS.map((n) => `{${n}}`).join(', ')}`);
    } else {
      const sample = `${p.sourcePrefix}EXAMPLE`;
      const made = p.environments.map((env) => overrideKeyFor(p, sample, env)!);
      const invalid = made.find((k) => !ENV_KEY.test(k));
      if (made.includes(sample)) {
        at(tpl, `override template "${p.overrideTemplate}" yields the source key itself`, 'add a suffix or prefix, e.g. "{key}_AI"');
      } else if (invalid !== undefined) {
        at(tpl, `override template "${p.overrideTemplate}" makes keys such as "${invalid}", which is not a valid key name`, 'keep to letters, digits, "_", "." and "-", starting with a letter or "_"');
      }
    }
  });
}

/** A credential-like key cannot have a default in the catalog. */
function checkCredentialDefaults({ spec, at, isCredential }: SemanticContext): void {
  spec.services.forEach((svc, si) =>
    svc.secrets.forEach((sec, ci) =>
      sec.keys.forEach((k, ki) => {
        if (k.default !== undefined && isCredential(k.name)) {
          at(
            ['spec', 'services', si, 'secrets', ci, 'keys', ki, 'default'],
            `key "${k.name}" looks like a credential and cannot have a default in the catalog`,
            'remove the default and provide the value through Vault fixtures (generate: deterministic) or the secret sync',
          );
        }
      }),
    ),
  );
}

/** Singletons: settings that cannot hold for one instance per cluster and OAuth client. */
function checkSingletons({ catalog, spec, at, isCredential }: SemanticContext): void {
  spec.services.forEach((svc, si) => {
    if (svc.scope !== 'infrastructure-singleton') return;
    if (svc.ingress?.bypassPaths?.length) {
      at(['spec', 'services', si, 'ingress', 'bypassPaths'], `infrastructure singleton "${svc.name}" cannot declare bypass paths: they apply to environment instances`, 'move the bypass paths to the environment-scoped service that serves them');
    }
    if (svc.namespace && /\{(instance|environment)\}/.test(svc.namespace)) {
      at(['spec', 'services', si, 'namespace'], `infrastructure singleton "${svc.name}" cannot have a per-environment namespace "${svc.namespace}"`, 'use a fixed namespace such as "platform"');
    }
    // Production and non-production environments on one cluster must not share credentials.
    const byCluster = new Map<string, { prod: string[]; nonprod: string[] }>();
    for (const env of spec.environments) {
      const c = byCluster.get(env.cluster) ?? { prod: [], nonprod: [] };
      (isProductionTier(env.tier) ? c.prod : c.nonprod).push(env.name);
      byCluster.set(env.cluster, c);
    }
    const credKeys = svc.secrets.flatMap((s) => s.keys.map((k) => k.name)).filter((k) => isCredential(k));
    for (const [cluster, c] of byCluster) {
      if (c.prod.length === 0 || c.nonprod.length === 0) continue;
      for (const env of c.nonprod) {
        const shared = credKeys.filter((k) => !environmentOverride(catalog, k, env));
        if (shared.length > 0) {
          at(
            ['spec', 'services', si, 'name'],
            `infrastructure singleton "${svc.name}" would serve production and "${env}" on cluster "${cluster}" with the same credentials (${shared.join(', ')})`,
            `add keyOverrides or a pattern for "${env}" so it gets its own OAuth client`,
          );
        }
      }
    }
  });
}

/** Run-scoped access keys: TTLs in order, bypass paths with whole-segment wildcards. */
function checkAccessKeys({ spec, at }: SemanticContext): void {
  const policy = ttlPolicy(spec.accessKeys);
  if (policy.defaultMs > policy.maxMs) {
    at(['spec', 'accessKeys', spec.accessKeys?.defaultTtl ? 'defaultTtl' : 'maxTtl'], `access-key defaultTtl (${spec.accessKeys?.defaultTtl ?? DEFAULT_TTL}) exceeds maxTtl (${spec.accessKeys?.maxTtl ?? DEFAULT_MAX_TTL})`, 'lower defaultTtl or raise maxTtl');
  }
  spec.services.forEach((svc, si) =>
    (svc.ingress?.bypassPaths ?? []).forEach((path, pi) => {
      if (path.split('/').some((seg) => seg.includes('*') && seg !== '*')) {
        at(['spec', 'services', si, 'ingress', 'bypassPaths', pi], `bypass path "${path}" uses "*" inside a segment`, 'use "*" only as a whole path segment, e.g. /api/v1/runs/*/bypass');
      }
    }),
  );
}

/** Where a service's Secrets land: `cluster/namespace`, once each (a singleton once per cluster). */
function placements(environments: readonly EnvironmentSpec[], svc: ServiceSpec): Set<string> {
  return new Set(environments.flatMap((env) => environmentInstances(env).map((inst) => `${env.cluster}/${serviceNamespace(svc, inst)}`)));
}

/** The `envKey` format of services.schema.json: what a key name may look like. */
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function isDnsLabel(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/** [name, index, index of first occurrence] for each repeated name. */
function duplicates(names: readonly string[]): [string, number, number][] {
  const first = new Map<string, number>();
  const out: [string, number, number][] = [];
  names.forEach((n, i) => {
    if (first.has(n)) out.push([n, i, first.get(n)!]);
    else first.set(n, i);
  });
  return out;
}
