import { ExitCode, UserError } from '../errors';
import { environmentInstances, serviceNamespace } from '../catalog/layout';
import type { ServiceCatalog } from '../catalog/types';
import type { Resolver } from '../resolver/resolver';
import type { AuditLog } from './audit';
import { writeEnvFile } from './env-file';
import type { KubernetesSecrets } from './kubernetes';
import { environmentTarget } from './plan';
import { quoteInput } from '../quote-input';

export interface PullRequest {
  readonly environment: string;
  readonly file: string;
  readonly service?: string;
  readonly secret?: string;
  readonly context?: string;
}

export interface PullResult {
  readonly file: string;
  /** Variable names written (logical key names), in catalog order. */
  readonly written: readonly string[];
  /** `secret#KEY` that the cluster does not hold; `required` tells whether the catalog needs them. */
  readonly missing: readonly { readonly where: string; readonly required: boolean }[];
}

/**
 * `sync pull`: reads the platform-level keys of the environment from their Kubernetes Secrets (the
 * key the sync writes: the override key where one applies) and writes them, under the logical key
 * names a service reads, to a local env file. Values go to the file only.
 */
export async function pullEnvFile(catalog: ServiceCatalog, resolver: Resolver, req: PullRequest, kube: KubernetesSecrets, audit: AuditLog): Promise<PullResult> {
  const { environment, instance } = environmentTarget(catalog, req.environment);
  if (req.service && !catalog.spec.services.some((s) => s.name === req.service)) {
    throw new UserError({ message: `unknown service ${quoteInput(req.service)}`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` }, ExitCode.usage);
  }
  const entries = new Map<string, { value: string; from: string }>();
  const written: string[] = [];
  const missing: { where: string; required: boolean }[] = [];
  const record = (result: string, where: string, reason?: string) =>
    audit.record({ event: 'pull', operation: 'sync pull', project: catalog.metadata.name, environment: instance?.name ?? environment.name, target: `kubernetes:${req.context ?? 'current-context'}:${where}`, result, ...(reason ? { reason } : {}) });
  const secrets = new Map<string, Promise<Awaited<ReturnType<KubernetesSecrets['read']>>>>();
  for (const service of catalog.spec.services) {
    if ((req.service && service.name !== req.service) || service.workload === false) continue;
    for (const secret of service.secrets) {
      if (secret.level !== 'platform' || (req.secret && secret.name !== req.secret)) continue;
      const inst = instance ?? (service.scope === 'infrastructure-singleton' ? environmentInstances(environment)[0] : undefined);
      if (!inst) throw new UserError({ message: `environment ${environment.name} has ${environment.slots} slots; name one to pull from`, hint: `--env ${environment.name}-slot-1` }, ExitCode.usage);
      const namespace = serviceNamespace(service, inst);
      const id = `${namespace}/${secret.name}`;
      if (!secrets.has(id)) secrets.set(id, kube.read(namespace, secret.name));
      const live = await secrets.get(id)!;
      for (const key of secret.keys) {
        const source = resolver.targetKeyName(environment.name, key.name).key;
        const b64 = live?.data?.[source];
        const where = `${id}#${source}`;
        if (b64 === undefined) {
          missing.push({ where, required: !key.optional && key.default === undefined });
          record('missing', where);
          continue;
        }
        const value = Buffer.from(b64, 'base64').toString('utf8');
        audit.forbid(value);
        const prior = entries.get(key.name);
        if (prior && prior.value !== value) {
          throw new UserError({ message: `${key.name} comes from both ${prior.from} and ${where} with different values; an env file holds one`, hint: 'pull one service at a time with --service' }, ExitCode.usage);
        }
        if (!prior) written.push(key.name);
        entries.set(key.name, { value, from: where });
        record('read', where, `written to ${req.file} as ${key.name}`);
      }
    }
  }
  if (secrets.size === 0) throw new UserError({ message: 'no platform-level secret matches the selection', hint: 'check --service and --secret with `secretops resolve --env ENV`' }, ExitCode.usage);
  writeEnvFile(req.file, written.map((k) => [k, entries.get(k)!.value] as const), `secretops sync pull --env ${req.environment}: ${catalog.metadata.name}`);
  return { file: req.file, written, missing };
}
