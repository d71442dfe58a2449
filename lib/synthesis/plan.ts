import { posix } from 'node:path';
import { Diagnostic, sortDiagnostics, UserError } from '../errors';
import type { Project } from '../project/load';
import type { EnvironmentSpec, ExternalSecretDefaults, ServiceCatalog, ServiceIngressSpec, ServiceSpec } from '../catalog/types';
import { isProductionTier } from '../catalog/types';
import { ClusterModel, clusters as clusterModels, EnvironmentInstance, environmentInstances, serviceNamespace } from '../catalog/layout';
import type { Resolution } from '../resolver/resolver';
import { diagnosticAt, pointerOf } from '../yaml-source';
import type { Stage } from '../constructs/metadata';
import { DEFAULT_EXTERNAL_SECRET_POLICY } from '../catalog/external-secret-policy';
import type { ArgoCdPlan, DistComponent, ExternalSecretPolicy, IngressPlan, OAuthClientPlan, SecretPlan, SingletonPlan, VaultKeyRef, BaseValue } from '../../charts/chart-inputs';

// The chart inputs are the plan's vocabulary; re-exported so `lib/synthesis/plan` keeps naming them.
export type { ArgoCdPlan, BaseValue, DistComponent, ExternalSecretPolicy, IngressPlan, OAuthClientPlan, SecretPlan, SingletonPlan, VaultKeyRef } from '../../charts/chart-inputs';
export { DEFAULT_EXTERNAL_SECRET_POLICY } from '../catalog/external-secret-policy';

/**
 * The synthesis plan: everything synth renders, decided from the validated catalog and the resolver
 * before any construct exists. Pure (no I/O), so charts stay thin and tests can assert decisions
 * without rendering YAML. Every catalog mistake that only shows at synth time (a workload that needs a
 * project-level secret, an ExternalSecret policy ESO would refuse, two objects with one name) is
 * collected here and thrown once as a UserError with catalog positions.
 */

/** The infrastructure singleton rendered as an oauth2-proxy Deployment. */
export const OAUTH2_PROXY_SERVICE = 'oauth2-proxy';

/** Reserved folder under `dist/<cluster>/` for cluster-wide components (environment names cannot start with `_`). */
export const CLUSTER_FOLDER = '_cluster';
/** Folder under `dist/` for what is applied to the Argo CD control plane. */
export const ARGOCD_FOLDER = '_argocd';

/** One environment-scoped service in one environment instance. */
export interface ServiceInstancePlan {
  readonly cluster: ClusterModel;
  readonly environment: EnvironmentSpec;
  readonly instance: EnvironmentInstance;
  readonly service: ServiceSpec;
  readonly pointer: string;
  readonly namespace: string;
  readonly secrets: readonly SecretPlan[];
  readonly ingress?: IngressPlan;
  readonly component: DistComponent;
}

export interface InstancePlan {
  readonly environment: EnvironmentSpec;
  readonly instance: EnvironmentInstance;
  readonly services: readonly ServiceInstancePlan[];
}

export interface ClusterPlan {
  readonly model: ClusterModel;
  readonly foundation: DistComponent;
  readonly namespacesComponent: DistComponent;
  /** Every namespace the cluster's components use, sorted. */
  readonly namespaces: readonly string[];
  readonly singletons: readonly SingletonPlan[];
  readonly instances: readonly InstancePlan[];
}

export interface SynthPlan {
  readonly project: Project;
  readonly catalog: ServiceCatalog;
  /** The catalog file as annotations name it (`services.yaml`), relative to the repository root. */
  readonly sourceName: string;
  readonly argocd: ArgoCdPlan;
  readonly clusters: readonly ClusterPlan[];
}

export interface PlanOptions {
  /** How `secretops.dev/source` names the catalog file. @default "services.yaml" */
  readonly sourceName?: string;
}

export function planSynthesis(project: Project, opts: PlanOptions = {}): SynthPlan {
  const { catalog, source, resolver } = project;
  const diagnostics: Diagnostic[] = [];
  const at = (pointer: string, message: string, hint?: string) => diagnostics.push(diagnosticAt(source, pointer, message, hint));
  const spec = catalog.spec;

  checkNeverRenderedLevels(catalog, at);

  // Resolve once per environment; group by service so planning stays linear in catalog size.
  const byEnvService = new Map<string, Map<string, Resolution[]>>();
  for (const env of spec.environments) {
    const perService = new Map<string, Resolution[]>();
    for (const r of resolver.resolveEnvironment(env.name)) {
      let list = perService.get(r.service);
      if (!list) perService.set(r.service, (list = []));
      list.push(r);
    }
    byEnvService.set(env.name, perService);
  }
  const resolutionsOf = (env: EnvironmentSpec, service: ServiceSpec) => byEnvService.get(env.name)!.get(service.name) ?? [];

  const serviceIndex = new Map(spec.services.map((s, i) => [s.name, i]));
  const policies = new Map<string, ExternalSecretPolicy>();
  const policyFor = (service: ServiceSpec): ExternalSecretPolicy => {
    let policy = policies.get(service.name);
    if (!policy) {
      policy = { ...DEFAULT_EXTERNAL_SECRET_POLICY, ...defined(spec.externalSecrets), ...defined(service.externalSecrets) };
      checkPolicy(policy, service, serviceIndex.get(service.name)!, spec.externalSecrets, at);
      policies.set(service.name, policy);
    }
    return policy;
  };

  const clusters: ClusterPlan[] = [];
  for (const model of clusterModels(catalog)) {
    const singletons: SingletonPlan[] = [];
    for (const service of spec.services) {
      if (service.scope !== 'infrastructure-singleton' || service.workload === false) continue;
      singletons.push(...planSingletons(model, service, serviceIndex.get(service.name)!, resolutionsOf, policyFor(service), at));
    }
    const instances: InstancePlan[] = [];
    for (const env of model.environments) {
      const auth = ingressAuthFor(env, model, singletons, spec.environments.indexOf(env), at);
      for (const instance of environmentInstances(env)) {
        const services: ServiceInstancePlan[] = [];
        for (const service of spec.services) {
          if (service.scope !== 'environment' || service.workload === false) continue;
          const si = serviceIndex.get(service.name)!;
          const namespace = serviceNamespace(service, instance);
          services.push({
            cluster: model,
            environment: env,
            instance,
            service,
            pointer: pointerOf(['spec', 'services', si]),
            namespace,
            secrets: planSecrets(service, si, resolutionsOf(env, service), policyFor(service), (name) => name),
            ...(service.ingress
              ? {
                  ingress: {
                    spec: service.ingress,
                    host: ingressHost(service.ingress, instance),
                    port: service.ingress.port,
                    ...(model.ingressClassName ? { className: model.ingressClassName } : {}),
                    ...(auth ? { auth } : {}),
                  },
                }
              : {}),
            component: {
              dir: posix.join(model.name, instance.name, service.name),
              app: `${model.name}-${instance.name}-${service.name}`,
              cluster: model.name,
              stage: 'secrets',
              namespace,
            },
          });
        }
        instances.push({ environment: env, instance, services });
      }
    }
    const namespaces = new Set<string>();
    for (const s of singletons) namespaces.add(s.namespace);
    for (const i of instances) for (const s of i.services) namespaces.add(s.namespace);
    clusters.push({
      model,
      foundation: clusterComponent(model.name, 'foundation', 'foundation'),
      namespacesComponent: clusterComponent(model.name, 'namespaces', 'foundation'),
      namespaces: [...namespaces].sort(),
      singletons,
      instances,
    });
  }

  checkUniqueTargets(clusters, diagnostics);
  checkUniqueApps(clusters, diagnostics);
  const argocd = planArgoCd(catalog, at);
  if (diagnostics.length > 0) throw new UserError(sortDiagnostics(dedupe(diagnostics)));
  return { project, catalog, sourceName: opts.sourceName ?? 'services.yaml', argocd, clusters };
}

/** `agents.dev.ameide.dev`; slots get one label under the environment domain: `agents-slot-2.ai.ameide.dev`. */
export function ingressHost(ingress: ServiceIngressSpec, instance: EnvironmentInstance): string {
  const label = instance.slot === undefined ? ingress.host : `${ingress.host}-slot-${instance.slot}`;
  return `${label}.${instance.environment.domain}`;
}

/** Whether an environment's ingresses go through oauth2-proxy. */
export function ingressAuthMode(env: EnvironmentSpec): 'oauth2-proxy' | 'none' {
  return env.ingressAuth ?? (isProductionTier(env.tier) ? 'none' : 'oauth2-proxy');
}

export function clusterComponent(cluster: string, name: string, stage: Stage, namespace?: string): DistComponent {
  return { dir: posix.join(cluster, CLUSTER_FOLDER, name), app: `${cluster}-${name}`, cluster, stage, ...(namespace ? { namespace } : {}) };
}

/** Every service instance of the plan, in plan order. */
export function allServiceInstances(plan: SynthPlan): ServiceInstancePlan[] {
  return plan.clusters.flatMap((c) => c.instances.flatMap((i) => i.services));
}

type At = (pointer: string, message: string, hint?: string) => void;

function defined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function planSecrets(
  service: ServiceSpec,
  si: number,
  resolutions: readonly Resolution[],
  policy: ExternalSecretPolicy,
  targetName: (secretName: string) => string,
): SecretPlan[] {
  const out: SecretPlan[] = [];
  service.secrets.forEach((secret, ci) => {
    if (secret.level !== 'platform') return;
    const vaultKeys: VaultKeyRef[] = [];
    const baseValues: BaseValue[] = [];
    for (const r of resolutions) {
      if (r.secret !== secret.name || !r.winner) continue; // an optional key that exists nowhere is left out
      if (r.winner.tier === 'base') {
        const key = secret.keys.find((k) => k.name === r.key)!;
        baseValues.push({ key: r.key, value: key.default!, pointer: r.pointer });
      } else {
        vaultKeys.push({ secretKey: r.key, remoteKey: r.winner.vault!.path, property: r.winner.vault!.property, tier: r.winner.tier, pointer: r.pointer });
      }
    }
    const name = targetName(secret.name);
    out.push({
      spec: secret,
      pointer: pointerOf(['spec', 'services', si, 'secrets', ci]),
      targetName: name,
      configMapName: `${name}-defaults`,
      vaultKeys,
      baseValues,
      policy,
    });
  });
  return out;
}

function planSingletons(
  model: ClusterModel,
  service: ServiceSpec,
  si: number,
  resolutionsOf: (env: EnvironmentSpec, service: ServiceSpec) => readonly Resolution[],
  policy: ExternalSecretPolicy,
  at: At,
): SingletonPlan[] {
  // Environments whose keys resolve to the same Vault locations share one instance (one OAuth client).
  const groups = new Map<string, EnvironmentSpec[]>();
  for (const env of model.environments) {
    const signature = resolutionsOf(env, service)
      .map((r) => `${r.secret}/${r.key}=${r.winner ? r.winner.location : '-'}`)
      .join('\n');
    const group = groups.get(signature);
    if (group) group.push(env);
    else groups.set(signature, [env]);
  }
  const pointer = pointerOf(['spec', 'services', si]);
  const namespace = serviceNamespace(service, environmentInstances(model.environments[0]!)[0]!);
  const out: SingletonPlan[] = [];
  for (const envs of groups.values()) {
    const first = envs[0]!;
    const name = `${service.name}-${first.name}`;
    const resolutions = resolutionsOf(first, service);
    const secrets = planSecrets(service, si, resolutions, policy, (secretName) => `${secretName}-${first.name}`);
    const plan: SingletonPlan = {
      cluster: model,
      service,
      pointer,
      name,
      namespace,
      environments: envs,
      secrets,
      component: clusterComponent(model.name, name, 'workloads', namespace),
    };
    out.push(service.name === OAUTH2_PROXY_SERVICE ? { ...plan, oauth: planOAuthClient(plan, resolutions, si, at) } : plan);
  }
  return out;
}

const OAUTH_ROLES = { clientIdKey: /CLIENT_ID$/, clientSecretKey: /CLIENT_SECRET$/, cookieSecretKey: /COOKIE_SECRET$/ } as const;

function planOAuthClient(plan: SingletonPlan, resolutions: readonly Resolution[], si: number, at: At): OAuthClientPlan | undefined {
  const keys = plan.secrets.flatMap((s) => s.vaultKeys.map((k) => k.secretKey));
  const roles: Partial<Record<keyof typeof OAUTH_ROLES, string>> = {};
  for (const [role, pattern] of Object.entries(OAUTH_ROLES) as [keyof typeof OAUTH_ROLES, RegExp][]) {
    const key = keys.find((k) => pattern.test(k));
    if (key) roles[role] = key;
  }
  if (plan.secrets.length !== 1 || !roles.clientIdKey || !roles.clientSecretKey || !roles.cookieSecretKey) {
    at(
      pointerOf(['spec', 'services', si, 'secrets']),
      `the ${OAUTH2_PROXY_SERVICE} singleton needs one platform-level secret with keys ending in CLIENT_ID, CLIENT_SECRET and COOKIE_SECRET that resolve in Vault (found: ${keys.join(', ') || 'none'})`,
      'declare one secret with the OAuth client id, client secret and cookie secret keys',
    );
    return undefined;
  }
  const clientSourceKey = resolutions.find((r) => r.key === roles.clientIdKey)!.winner!.sourceKey;
  const domains = [...new Set(plan.environments.map((e) => e.domain))];
  const first = plan.environments[0]!.name;
  return {
    clientIdKey: roles.clientIdKey,
    clientSecretKey: roles.clientSecretKey,
    cookieSecretKey: roles.cookieSecretKey,
    clientSourceKey,
    domains,
    hosts: domains.map((d) => `oauth2.${d}`),
    cookieName: `_oauth2_proxy_${first.replace(/-/g, '_')}`,
  };
}

function ingressAuthFor(env: EnvironmentSpec, model: ClusterModel, singletons: readonly SingletonPlan[], ei: number, at: At): SingletonPlan | undefined {
  if (ingressAuthMode(env) === 'none') return undefined;
  const proxy = singletons.find((s) => s.oauth && s.environments.includes(env));
  if (!proxy) {
    at(
      pointerOf(['spec', 'environments', ei]),
      `environment "${env.name}" puts its ingresses behind oauth2-proxy, but cluster "${model.name}" has no ${OAUTH2_PROXY_SERVICE} singleton with OAuth credentials for it`,
      `declare an infrastructure-singleton service "${OAUTH2_PROXY_SERVICE}" with the OAuth client keys, or set ingressAuth: none on the environment`,
    );
  }
  return proxy;
}

/** project-level secrets live in GitHub Actions, user-level ones nowhere: a workload that needs one cannot be synthesized. */
function checkNeverRenderedLevels(catalog: ServiceCatalog, at: At): void {
  const repo = catalog.spec.github?.repository;
  catalog.spec.services.forEach((service, si) => {
    if (service.workload === false) return;
    service.secrets.forEach((secret, ci) => {
      if (secret.level === 'platform') return;
      const where =
        secret.level === 'project'
          ? `project-level secrets are delivered as GitHub Actions secrets${repo ? ` of ${repo}` : ''} (secretops sync), never into cluster manifests`
          : 'user-level secrets are never delivered anywhere by secretops: each person keeps their own';
      at(
        pointerOf(['spec', 'services', si, 'secrets', ci, 'level']),
        `service "${service.name}" runs as a workload but needs ${secret.level}-level secret "${secret.name}"; ${where}`,
        'make it a platform-level secret (Vault and an ExternalSecret) if the workload needs it, or set `workload: false` on an entry that only declares CI or personal secrets',
      );
    });
  });
}

/** ESO's admission webhook refuses these combinations; refuse them at synth time with a catalog position. */
function checkPolicy(policy: ExternalSecretPolicy, service: ServiceSpec, si: number, catalogDefaults: ExternalSecretDefaults | undefined, at: At): void {
  const problem =
    policy.deletionPolicy === 'Delete' && policy.creationPolicy === 'Merge'
      ? 'deletionPolicy Delete cannot be combined with creationPolicy Merge (ESO would delete a Secret it does not own)'
      : policy.deletionPolicy === 'Merge' && policy.creationPolicy === 'None'
        ? 'deletionPolicy Merge cannot be combined with creationPolicy None'
        : undefined;
  if (!problem) return;
  const own = service.externalSecrets?.deletionPolicy !== undefined || service.externalSecrets?.creationPolicy !== undefined;
  const pointer = own || !catalogDefaults ? pointerOf(['spec', 'services', si, 'externalSecrets']) : '/spec/externalSecrets';
  at(pointer, `service "${service.name}": ${problem}`, 'use deletionPolicy Retain (the default) or creationPolicy Owner');
}

function checkUniqueTargets(clusters: readonly ClusterPlan[], diagnostics: Diagnostic[]): void {
  for (const c of clusters) {
    const seen = new Map<string, string>();
    const claim = (namespace: string, name: string, owner: string, pointer: string) => {
      const k = `${namespace}/${name}`;
      const prev = seen.get(k);
      if (prev && prev !== owner) {
        diagnostics.push({
          pointer,
          message: `cluster "${c.model.name}": Secret ${k} would be written by two ExternalSecrets (${prev} and ${owner}); ESO allows one ExternalSecret per target Secret`,
          hint: 'rename one of the secrets or give one service another namespace',
        });
      } else seen.set(k, owner);
    };
    for (const s of c.singletons) for (const sec of s.secrets) claim(s.namespace, sec.targetName, s.name, sec.pointer);
    for (const i of c.instances) for (const s of i.services) for (const sec of s.secrets) claim(s.namespace, sec.targetName, `${s.service.name}@${i.instance.name}`, sec.pointer);
  }
}

function checkUniqueApps(clusters: readonly ClusterPlan[], diagnostics: Diagnostic[]): void {
  const seen = new Map<string, string>();
  const components = clusters.flatMap((c) => [c.foundation, c.namespacesComponent, ...c.singletons.map((s) => s.component), ...c.instances.flatMap((i) => i.services.map((s) => s.component))]);
  for (const comp of components) {
    const prev = seen.get(comp.app);
    if (prev) diagnostics.push({ message: `Argo CD Application name "${comp.app}" is used by both dist/${prev} and dist/${comp.dir}`, hint: 'rename the service or environment so names do not run together' });
    else seen.set(comp.app, comp.dir);
  }
}

function planArgoCd(catalog: ServiceCatalog, at: At): ArgoCdPlan {
  const a = catalog.spec.argocd ?? {};
  const repo = catalog.spec.github?.repository;
  const repoURL = a.repoURL ?? (repo ? `https://github.com/${repo}.git` : undefined);
  if (!repoURL) at('/spec', 'Argo CD needs the Git repository that holds dist/', 'set spec.argocd.repoURL (or spec.github.repository)');
  return { repoURL: repoURL ?? '', targetRevision: a.targetRevision ?? 'HEAD', path: a.path ?? 'dist', project: a.project ?? 'default', namespace: a.namespace ?? 'argocd' };
}

function dedupe(list: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}:${d.line}:${d.column}:${d.pointer}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
