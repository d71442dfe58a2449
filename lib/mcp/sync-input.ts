import { environmentInstances, serviceNamespace } from '../catalog/layout';
import type { Project } from '../project/load';
import type { KeySpec, SecretSpec, ServiceSpec } from '../catalog/types';
import { githubNameProblem } from '../sync/github-limits';
import { githubSecretName, refuseGithubCollisions, refuseSharedRepositorySecrets } from '../sync/github-names';
import { quoteInput } from '../quote-input';
import { assembleSyncPlan, deriveIdempotencyKey, environmentTarget, githubDestination, planKey, SyncPlan } from '../sync/plan';
import type { Destination } from '../sync/target';
import type { ValuePolicy } from '../sync/values';
import { checkField, invalid } from './tool-error';

/** The arguments of `secret.sync.github_k8s` / `secret.plan`, after schema validation. */
export interface SyncToolInput {
  readonly project_id: string;
  readonly repository: string;
  readonly environment: string;
  readonly github_secret_name?: string;
  readonly kubernetes_secret_name?: string;
  readonly kubernetes_namespace?: string;
  readonly kubernetes_secret_key?: string;
  readonly policy: ValuePolicy;
  readonly idempotency_key?: string;
  readonly secret_value?: string;
}

const KUBE_FIELDS = ['kubernetes_secret_name', 'kubernetes_namespace', 'kubernetes_secret_key'] as const;

/**
 * Turns tool arguments into the same SyncPlan the CLI builds, with the catalog as the guard rail:
 * the project and repository must be the catalog's, the key must be a catalog key (its
 * environment override name is what gets written), and the namespace must be the service's
 * namespace in that environment, so an agent cannot write one environment's value over another's.
 */
export function planFromToolInput(
  project: Project,
  input: SyncToolInput,
  operation: string,
  approval: (environment: string) => SyncPlan['approval'],
  /** A keyed digest of a provided value, so the automatic idempotency key changes with the value. */
  valueDigest?: (value: string) => string,
): SyncPlan {
  const { catalog, resolver } = project;
  if (input.project_id !== catalog.metadata.name) throw invalid('project_id', `unknown project ${quoteInput(input.project_id)}`, `this server serves "${catalog.metadata.name}"`);
  const repository = catalog.spec.github?.repository;
  if (input.repository !== repository) throw invalid('repository', `repository ${quoteInput(input.repository)} is not the project's repository`, repository ? `use "${repository}"` : 'the catalog has no spec.github.repository');
  const target = checkField('environment', () => environmentTarget(catalog, input.environment));
  const { environment } = target;
  const givenKube = KUBE_FIELDS.filter((f) => input[f] !== undefined);
  if (givenKube.length > 0 && givenKube.length < KUBE_FIELDS.length) {
    const missing = KUBE_FIELDS.find((f) => input[f] === undefined)!;
    throw invalid(missing, `${missing} is required with ${givenKube.join(', ')}`);
  }
  const wantKube = givenKube.length === KUBE_FIELDS.length;
  if (!input.github_secret_name && !wantKube) throw invalid('github_secret_name', 'name a GitHub secret (github_secret_name), a Kubernetes target (kubernetes_secret_name, kubernetes_namespace, kubernetes_secret_key), or both');
  if (input.policy === 'provided' && input.secret_value === undefined) throw invalid('secret_value', 'policy "provided" needs secret_value');
  if (input.policy !== 'provided' && input.secret_value !== undefined) throw invalid('secret_value', `secret_value is only accepted with policy "provided", not "${input.policy}"`);

  // Find the catalog key: by Secret name when a Kubernetes target is given, else any secret with
  // the key name or the GitHub name (`github.name`) asked for; more than one is ambiguous.
  const keyName = input.kubernetes_secret_key ?? input.github_secret_name!;
  const keyField = wantKube ? 'kubernetes_secret_key' : 'github_secret_name';
  const matches: { service: ServiceSpec; secret: SecretSpec; key: KeySpec }[] = [];
  catalog.spec.services.forEach((service) => {
    for (const secret of service.secrets) {
      if (wantKube && secret.name !== input.kubernetes_secret_name) continue;
      const key = secret.keys.find((k) => k.name === keyName) ?? (wantKube ? undefined : secret.keys.find((k) => k.github?.name === keyName));
      if (key) matches.push({ service, secret, key });
    }
  });
  if (wantKube && !catalog.spec.services.some((s) => s.secrets.some((c) => c.name === input.kubernetes_secret_name))) {
    throw invalid('kubernetes_secret_name', `${quoteInput(input.kubernetes_secret_name)} is not a secret in the catalog`);
  }
  if (matches.length === 0) throw invalid(keyField, `${quoteInput(keyName)} is not a key of ${wantKube ? `secret ${input.kubernetes_secret_name}` : 'any catalog secret'}`, 'use the catalog key name; the environment override name is applied for you');
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.service.name}/${m.secret.name}#${m.key.name} (GitHub name ${githubSecretName(m.key, resolver.targetKeyName(environment.name, m.key.name).key)})`);
    throw invalid(keyField, `${quoteInput(keyName)} is a key of ${matches.length} catalog secrets: ${names.join(', ')}`, "name the key by its GitHub name (the key's github.name), or give the Kubernetes target as well");
  }
  const { service, secret, key: keySpec } = matches[0]!;
  const catalogKey = keySpec.name;
  if (wantKube && input.github_secret_name && input.github_secret_name !== catalogKey && input.github_secret_name !== keySpec.github?.name) {
    throw invalid('github_secret_name', 'github_secret_name and kubernetes_secret_key name different keys; one call writes one key', `use the catalog key name for both, or the key's GitHub name ${keySpec.github?.name ?? catalogKey}`);
  }
  if (secret.level === 'user') throw invalid(keyField, `${secret.name}#${catalogKey} is a user-level secret; secretops never writes those`);
  if (keySpec.default !== undefined) throw invalid(keyField, `${secret.name}#${catalogKey} has a non-secret default; secretops only writes secret values`);
  let instance = target.instance;
  const key = planKey(catalog, resolver, { environment, service, secret, key: catalogKey }, (written) => {
    const destinations: Destination[] = [];
    if (input.github_secret_name) {
      const name = githubSecretName(keySpec, written);
      const problem = githubNameProblem(name);
      if (problem) throw invalid('github_secret_name', `${name}: ${problem}`);
      refuseGithubCollisions(catalog, resolver, environment.name, [keySpec], project.source);
      refuseSharedRepositorySecrets(catalog, resolver, environment.name, [keySpec], input.policy, project.source);
      destinations.push(githubDestination(repository!, secret, environment, name));
    }
    if (wantKube) {
      if (secret.level === 'project') throw invalid('kubernetes_secret_name', `${secret.name} is a project-level secret; it lives in GitHub only`);
      if (service.workload === false) throw invalid('kubernetes_secret_name', `service ${service.name} does not run in a cluster`);
      const candidates = instance ? [instance] : environmentInstances(environment);
      const hit = candidates.find((i) => serviceNamespace(service, i) === input.kubernetes_namespace);
      if (!hit) {
        const allowed = [...new Set(candidates.map((i) => serviceNamespace(service, i)))];
        throw invalid('kubernetes_namespace', `service ${service.name} does not live in namespace ${quoteInput(input.kubernetes_namespace)} in ${input.environment}`, `use ${allowed.join(' or ')}`);
      }
      if (!instance && hit.slot !== undefined && service.scope !== 'infrastructure-singleton') instance = hit;
      destinations.push({ kind: 'kubernetes', namespace: input.kubernetes_namespace!, secret: secret.name, key: written });
    }
    return { destinations, excluded: [] };
  });
  const idempotencyKey =
    input.idempotency_key ??
    deriveIdempotencyKey([
      'mcp-sync',
      input.project_id,
      input.repository,
      input.environment,
      input.github_secret_name,
      input.kubernetes_secret_name,
      input.kubernetes_namespace,
      input.kubernetes_secret_key,
      input.policy,
      // Another provided value is another request (and needs its own approval), never a replay.
      ...(input.secret_value !== undefined && valueDigest ? [valueDigest(input.secret_value)] : []),
    ]);
  return assembleSyncPlan(catalog, { operation, environment, ...(instance ? { instance } : {}), policy: input.policy, idempotencyKey, approval: approval(environment.name) }, [key]);
}
