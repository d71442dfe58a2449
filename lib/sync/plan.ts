import { createHash } from 'node:crypto';
import { ExitCode, UserError } from '../errors';
import { canonicalEnvironment, environmentInstances, EnvironmentInstance, serviceNamespace } from '../catalog/layout';
import type { EnvironmentSpec, KeySpec, SecretLevel, SecretSpec, ServiceCatalog, ServiceSpec } from '../catalog/types';
import type { Resolution, Resolver } from '../resolver/resolver';
import type { YamlSource } from '../yaml-source';
import { quoteInput } from '../quote-input';
import { githubNameProblem } from './github-limits';
import { githubSecretName, refuseGithubCollisions, refuseSharedRepositorySecrets } from './github-names';
import type { Destination } from './target';
import type { ValuePolicy, ValueSubject } from './values';

export type SyncTo = 'github' | 'kubernetes' | 'both';
export const SYNC_TO: readonly SyncTo[] = ['github', 'kubernetes', 'both'];

/** What `secretops sync` was asked to do. */
export interface SyncSelection {
  /** An environment name, an alias, or a slot instance (`ai-slot-2`). */
  readonly environment: string;
  readonly service?: string;
  readonly secret?: string;
  readonly key?: string;
  readonly to: SyncTo;
  readonly policy: ValuePolicy;
  readonly idempotencyKey?: string;
  /** kubeconfig context for Kubernetes targets. */
  readonly context?: string;
}

/** One key to write, where, and the resolver's audit of its name. */
export interface PlannedKey {
  readonly service?: string;
  readonly secret: string;
  readonly level?: SecretLevel;
  /** The catalog's logical key name. */
  readonly key: string;
  /** The name written: the environment override key where one applies. */
  readonly targetKey: string;
  readonly targetTier: string;
  readonly rule?: string;
  readonly resolution?: Resolution;
  readonly subject: ValueSubject;
  readonly destinations: readonly Destination[];
  /** Destinations the selection asked for and the catalog rules out, with the reason. */
  readonly excluded: readonly { readonly destination: 'github' | 'kubernetes'; readonly reason: string }[];
}

export interface SyncPlan {
  /** `sync` or the MCP tool name. */
  readonly operation: string;
  readonly project: string;
  readonly repository?: string;
  /** Canonical environment name. */
  readonly environment: string;
  /** The slot instance, when one was named. */
  readonly instance?: string;
  readonly policy: ValuePolicy;
  readonly idempotencyKey: string;
  readonly approval: { readonly required: boolean; readonly reasons: readonly string[] };
  readonly keys: readonly PlannedKey[];
}

/** An idempotency key derived from the request: the same request twice is a replay. */
export function deriveIdempotencyKey(parts: readonly (string | undefined)[]): string {
  return 'auto-' + createHash('sha256').update(JSON.stringify(parts.map((p) => p ?? null))).digest('hex').slice(0, 32);
}

/** `ai-slot-2` -> the `ai` environment and its slot instance; names and aliases as the resolver knows them. */
export function environmentTarget(catalog: ServiceCatalog, name: string): { environment: EnvironmentSpec; instance?: EnvironmentInstance } {
  const direct = canonicalEnvironment(catalog, name);
  if (direct) {
    const instances = environmentInstances(direct.environment);
    return { environment: direct.environment, ...(instances.length === 1 ? { instance: instances[0] } : {}) };
  }
  for (const env of catalog.spec.environments) {
    const inst = environmentInstances(env).find((i) => i.slot !== undefined && i.name === name);
    if (inst) return { environment: env, instance: inst };
  }
  const known = [...catalog.spec.environments.flatMap((e) => [e.name, ...(e.slots ? [`${e.name}-slot-1..${e.slots}`] : [])]), ...Object.keys(catalog.spec.secretResolution?.environmentAliases ?? {})];
  throw new UserError({ message: `unknown environment ${quoteInput(name)}`, hint: `use one of: ${known.join(', ')}` }, ExitCode.usage);
}

/** The GitHub secret a key is written to: an environment secret of the canonical environment unless the secret says `github.scope: repository`. */
export function githubDestination(repository: string, secret: SecretSpec, environment: EnvironmentSpec, name: string): Destination {
  const [owner, repo] = repository.split('/') as [string, string];
  const scope = secret.github?.scope ?? 'environment';
  return { kind: 'github', owner, repo, scope, ...(scope === 'environment' ? { environment: environment.name } : {}), name };
}

/**
 * One catalog key as a planned write: the name written (the environment override where one
 * applies), the resolver's audit of it, and the destinations `place` picks for that name. The CLI
 * selection and the MCP tool input both plan keys here.
 */
export function planKey(
  catalog: ServiceCatalog,
  resolver: Resolver,
  at: { readonly environment: EnvironmentSpec; readonly service: ServiceSpec; readonly secret: SecretSpec; readonly key: string },
  place: (targetKey: string) => Pick<PlannedKey, 'destinations' | 'excluded'>,
): PlannedKey {
  const { environment, service, secret, key } = at;
  const target = resolver.targetKeyName(environment.name, key);
  const repository = catalog.spec.github?.repository;
  return {
    service: service.name,
    secret: secret.name,
    level: secret.level,
    key,
    targetKey: target.key,
    targetTier: target.tier,
    ...(target.rule ? { rule: target.rule } : {}),
    resolution: resolver.resolveKey({ environment: environment.name, service: service.name, secret: secret.name, key }),
    subject: { project: catalog.metadata.name, repository: repository ?? '', environment: environment.name, secret: secret.name, key: target.key },
    ...place(target.key),
  };
}

/** The one place a SyncPlan is assembled, for `secretops sync` and the MCP tools alike. */
export function assembleSyncPlan(
  catalog: ServiceCatalog,
  scope: Pick<SyncPlan, 'operation' | 'policy' | 'idempotencyKey' | 'approval'> & { readonly environment: EnvironmentSpec; readonly instance?: EnvironmentInstance },
  keys: readonly PlannedKey[],
): SyncPlan {
  const repository = catalog.spec.github?.repository;
  return {
    operation: scope.operation,
    project: catalog.metadata.name,
    ...(repository ? { repository } : {}),
    environment: scope.environment.name,
    ...(scope.instance?.slot !== undefined ? { instance: scope.instance.name } : {}),
    policy: scope.policy,
    idempotencyKey: scope.idempotencyKey,
    approval: scope.approval,
    keys,
  };
}

/**
 * Which catalog keys a sync covers and where each goes:
 * - `project` secrets go to GitHub only (they are never rendered into a cluster);
 * - `platform` secrets go to the Kubernetes Secret of their service in the environment's
 *   namespace, and to GitHub when `--to github|both` asks (CI jobs that need the same value);
 * - `user` secrets and keys with a non-secret `default` are never generated.
 * GitHub targets are environment secrets of the canonical environment unless the secret says
 * `github.scope: repository`, named by the rule in github-names.ts; keys that would share one
 * GitHub secret are refused (positioned in `source` when given).
 */
export function planSync(
  catalog: ServiceCatalog,
  resolver: Resolver,
  sel: SyncSelection,
  /** The approval requirement of the canonical environment the selection names (asked once, before any key is planned). */
  approvalOf: (environment: string) => SyncPlan['approval'],
  source?: YamlSource,
): SyncPlan {
  const { environment, instance } = environmentTarget(catalog, sel.environment);
  const approval = approvalOf(environment.name);
  const project = catalog.metadata.name;
  const repository = catalog.spec.github?.repository;
  const wantGithub = sel.to !== 'kubernetes';
  const wantKubernetes = sel.to !== 'github';
  const explicit = (what: string, name: string | undefined) => {
    if (name) throw new UserError({ message: what, hint: 'pick another key, or drop the filter that selects it' }, ExitCode.usage);
  };

  if (sel.service && !catalog.spec.services.some((s) => s.name === sel.service)) {
    throw new UserError({ message: `unknown service ${quoteInput(sel.service)}`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` }, ExitCode.usage);
  }
  const keys: PlannedKey[] = [];
  const toGithub: KeySpec[] = [];
  let matched = 0;
  for (const service of catalog.spec.services) {
    if (sel.service && service.name !== sel.service) continue;
    for (const secret of service.secrets) {
      if (sel.secret && secret.name !== sel.secret) continue;
      for (const key of secret.keys) {
        if (sel.key && key.name !== sel.key) continue;
        matched++;
        if (secret.level === 'user') {
          explicit(`${secret.name}#${key.name} is a user-level secret; secretops never writes those`, sel.key ?? sel.secret);
          continue;
        }
        if (key.default !== undefined) {
          explicit(`${secret.name}#${key.name} has a non-secret default; secretops only generates secret values`, sel.key);
          continue;
        }
        keys.push(
          planKey(catalog, resolver, { environment, service, secret, key: key.name }, (targetKey) => {
            const destinations: Destination[] = [];
            const excluded: PlannedKey['excluded'][number][] = [];
            if (wantGithub) {
              if (!repository) {
                throw new UserError({ message: 'syncing to GitHub needs the project repository, and the catalog has no spec.github.repository', pointer: '/spec/github/repository', hint: 'add `github: {repository: owner/name}` under spec, or use --to kubernetes' }, ExitCode.usage);
              }
              const name = githubSecretName(key, targetKey);
              const nameProblem = githubNameProblem(name);
              if (nameProblem) excluded.push({ destination: 'github', reason: `${name}: ${nameProblem}` });
              else {
                toGithub.push(key);
                destinations.push(githubDestination(repository, secret, environment, name));
              }
            }
            if (wantKubernetes) {
              if (secret.level === 'project') excluded.push({ destination: 'kubernetes', reason: 'project-level secrets live in GitHub only' });
              else if (service.workload === false) excluded.push({ destination: 'kubernetes', reason: `service ${service.name} does not run in a cluster (workload: false)` });
              else {
                const namespaceOf = instance ?? (service.scope === 'infrastructure-singleton' ? environmentInstances(environment)[0] : undefined);
                if (!namespaceOf) {
                  throw new UserError(
                    { message: `environment ${environment.name} has ${environment.slots} slots, and Kubernetes targets of service ${service.name} live in one slot's namespace`, hint: `name the slot: --env ${environment.name}-slot-1 (up to -slot-${environment.slots})` },
                    ExitCode.usage,
                  );
                }
                destinations.push({ kind: 'kubernetes', ...(sel.context ? { context: sel.context } : {}), namespace: serviceNamespace(service, namespaceOf), secret: secret.name, key: targetKey });
              }
            }
            return { destinations, excluded };
          }),
        );
      }
    }
  }
  refuseGithubCollisions(catalog, resolver, environment.name, toGithub, source);
  refuseSharedRepositorySecrets(catalog, resolver, environment.name, toGithub, sel.policy, source);
  if (matched === 0) {
    throw new UserError({ message: `no key matches ${[sel.service && `service ${sel.service}`, sel.secret && `secret ${sel.secret}`, sel.key && `key ${sel.key}`].filter(Boolean).join(', ') || 'the selection'}`, hint: 'check the names with `secretops resolve --env ENV`' }, ExitCode.usage);
  }
  if (keys.every((k) => k.destinations.length === 0)) {
    const reasons = [...new Set(keys.flatMap((k) => k.excluded.map((e) => e.reason)))];
    throw new UserError({ message: `nothing to sync to ${sel.to}${reasons.length ? `: ${reasons.join('; ')}` : ''}`, hint: 'select platform-level secrets for Kubernetes, or use --to github' }, ExitCode.usage);
  }
  if (sel.policy === 'provided' && keys.filter((k) => k.destinations.length > 0).length !== 1) {
    throw new UserError({ message: `the provided policy writes one value, and the selection has ${keys.length} keys`, hint: 'select one key with --service, --secret and --key' }, ExitCode.usage);
  }
  const idempotencyKey =
    sel.idempotencyKey ?? deriveIdempotencyKey(['sync', project, repository, environment.name, instance?.name, sel.service, sel.secret, sel.key, sel.to, sel.policy, sel.context]);
  return assembleSyncPlan(catalog, { operation: 'sync', environment, ...(instance ? { instance } : {}), policy: sel.policy, idempotencyKey, approval }, keys);
}
