import { Diagnostic } from '../errors';
import { CredentialKeyMatcher, isCredentialLikeKey } from '../credential-like';
import { diagnosticAt, pointerOf, YamlSource } from '../yaml-source';
import type { ServiceCatalog } from './types';
import { isProductionTier } from './types';
import { environmentInstances, serviceNamespace } from './layout';
import { overrideKeyFor, TEMPLATE_PLACEHOLDERS } from '../resolver/overrides';
import { DEFAULT_MAX_TTL, DEFAULT_TTL, ttlPolicy } from '../access-keys/ttl';

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
  const at = (segments: (string | number)[], message: string, hint?: string, key = false) =>
    out.push(diagnosticAt(src, pointerOf(segments), message, hint, { key }));
  const spec = catalog.spec;
  const envNames = new Set(spec.environments.map((e) => e.name));
  const aliases = spec.secretResolution?.environmentAliases ?? {};

  // Duplicate names.
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

  // Declared clusters.
  if (spec.clusters) {
    const declared = new Set(spec.clusters.map((c) => c.name));
    spec.environments.forEach((env, i) => {
      if (!declared.has(env.cluster))
        at(['spec', 'environments', i, 'cluster'], `environment "${env.name}" names cluster "${env.cluster}", which spec.clusters does not declare`, `declare it under spec.clusters or use one of: ${[...declared].join(', ')}`);
    });
  }

  // Two Secrets with one name in one namespace (per cluster).
  const owners = new Map<string, { service: string; pointer: string }>();
  spec.services.forEach((svc, si) => {
    if (svc.scope !== 'environment') return;
    for (const env of spec.environments) {
      for (const inst of environmentInstances(env)) {
        const ns = serviceNamespace(svc, inst);
        svc.secrets.forEach((sec, ci) => {
          if (sec.level !== 'platform') return;
          const k = `${env.cluster}/${ns}/${sec.name}`;
          const prev = owners.get(k);
          if (prev && prev.service !== svc.name) {
            at(
              ['spec', 'services', si, 'secrets', ci, 'name'],
              `Secret "${sec.name}" of service "${svc.name}" collides with the one of service "${prev.service}" (${prev.pointer}) in namespace "${ns}" on cluster "${env.cluster}"`,
              'rename one of the Secrets or give one service another namespace',
            );
          }
          if (!prev) owners.set(k, { service: svc.name, pointer: pointerOf(['spec', 'services', si, 'secrets', ci, 'name']) });
        });
      }
    }
  });
  // A literal namespace shared by several instances on one cluster makes each Secret collide with itself.
  spec.services.forEach((svc, si) => {
    if (svc.scope !== 'environment' || !svc.namespace || /\{(instance|environment)\}/.test(svc.namespace)) return;
    const perCluster = new Map<string, number>();
    for (const env of spec.environments) perCluster.set(env.cluster, (perCluster.get(env.cluster) ?? 0) + environmentInstances(env).length);
    for (const [cluster, n] of perCluster) {
      if (n > 1 && svc.secrets.some((s) => s.level === 'platform')) {
        at(
          ['spec', 'services', si, 'namespace'],
          `namespace "${svc.namespace}" of service "${svc.name}" is the same in all ${n} environment instances on cluster "${cluster}", so their Secrets would collide`,
          'use a template such as "{instance}-' + svc.name + '" or leave namespace unset (default "{instance}")',
        );
        break;
      }
    }
  });

  // Aliases.
  for (const [alias, target] of Object.entries(aliases)) {
    if (envNames.has(alias)) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" has the name of an environment`, 'rename the alias', true);
    } else if (target in aliases) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" points at alias "${target}"; chains and cycles are not allowed`, `point it at an environment: ${[...envNames].join(', ')}`);
    } else if (!envNames.has(target)) {
      at(['spec', 'secretResolution', 'environmentAliases', alias], `alias "${alias}" points at unknown environment "${target}"`, `use one of: ${[...envNames].join(', ')}`);
    }
  }
  const knownEnv = (name: string) => envNames.has(name) || (name in aliases && envNames.has(aliases[name]!));

  // Overrides and patterns.
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
      if (p.environments.some((env) => overrideKeyFor(p, sample, env) === sample)) {
        at(tpl, `override template "${p.overrideTemplate}" yields the source key itself`, 'add a suffix or prefix, e.g. "{key}_AI"');
      }
    }
  });

  // Keys: defaults on credential-like keys.
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

  // Singletons: settings that cannot hold for one instance per cluster and OAuth client.
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
        const shared = credKeys.filter((k) => !hasOverride(catalog, k, env));
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

  // Run-scoped access keys and their bypass paths.
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

  return out;
}

function hasOverride(catalog: ServiceCatalog, key: string, env: string): boolean {
  const res = catalog.spec.secretResolution;
  if (res?.keyOverrides?.[key]?.overrideKeys[env]) return true;
  return (res?.patterns ?? []).some((p) => p.environments.includes(env) && overrideKeyFor(p, key, env) !== undefined);
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
