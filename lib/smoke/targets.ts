import { quoteInput } from '../quote-input';
import { Annotations } from '../constructs/metadata';
import { ExitCode, UserError } from '../errors';
import type { ServiceCatalog } from '../catalog/types';
import { canonicalEnvironment } from '../catalog/layout';
import { conditionNamespaces } from './cluster';

/** One ExternalSecret synth renders, and what its target Secret must hold. */
export interface ExternalSecretTarget {
  readonly namespace: string;
  readonly name: string;
  /** The Secret ESO writes (`spec.target.name`, default the ExternalSecret's name). */
  readonly secretName: string;
  /** Keys the Secret must expose (`spec.data[].secretKey`), sorted. */
  readonly keys: readonly string[];
  readonly instance?: string;
}

export interface SmokeTargets {
  readonly environment: string;
  readonly slot?: number;
  /** ClusterSecretStores the ExternalSecrets use. */
  readonly stores: readonly string[];
  /**
   * Per store, the namespaces synth limits it to (its rendered `spec.conditions`); a store missing
   * here was rendered without conditions (`spec.vault.isolation: shared`).
   */
  readonly storeNamespaces: Readonly<Record<string, readonly string[]>>;
  readonly externalSecrets: readonly ExternalSecretTarget[];
}

export type K8sObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
};

/**
 * What `smoke` checks for an environment (or one slot of it): the ExternalSecrets synth renders
 * for it, read back from the rendered objects through the metadata contract (environment and
 * instance annotations), so smoke checks exactly what Argo CD deploys.
 */
export function smokeTargets(catalog: ServiceCatalog, objects: readonly K8sObject[], environment: string, slot?: number): SmokeTargets {
  const env = canonicalEnvironment(catalog, environment);
  if (!env) {
    throw new UserError({ message: `unknown environment ${quoteInput(environment)}`, hint: `use one of: ${catalog.spec.environments.map((e) => e.name).join(', ')}` }, ExitCode.usage);
  }
  const name = env.environment.name;
  if (slot !== undefined) {
    const slots = env.environment.slots ?? 0;
    if (!Number.isInteger(slot) || slot < 1 || slot > slots) {
      throw new UserError(
        { message: `environment "${name}" has ${slots ? `slots 1..${slots}` : 'no slots'}; --slot ${slot} does not exist`, hint: slots ? `pass --slot 1 to ${slots}` : 'leave out --slot' },
        ExitCode.usage,
      );
    }
  }
  const instance = slot !== undefined ? `${name}-slot-${slot}` : undefined;
  const externalSecrets: ExternalSecretTarget[] = [];
  const stores = new Set<string>();
  for (const o of objects) {
    if (o.kind !== 'ExternalSecret' || !o.apiVersion?.startsWith('external-secrets.io/')) continue;
    const a = o.metadata?.annotations ?? {};
    // Synth writes a comma-separated list on singletons shared by several environments (build-app.ts).
    if (!(a[Annotations.environment] ?? '').split(',').map((e) => e.trim()).includes(name)) continue;
    if (instance && a[Annotations.instance] !== instance) continue;
    const spec = (o.spec ?? {}) as { target?: { name?: string }; data?: { secretKey?: string }[]; secretStoreRef?: { name?: string; kind?: string } };
    if (spec.secretStoreRef?.kind === 'ClusterSecretStore' && spec.secretStoreRef.name) stores.add(spec.secretStoreRef.name);
    externalSecrets.push({
      namespace: o.metadata?.namespace ?? 'default',
      name: o.metadata?.name ?? '',
      secretName: spec.target?.name ?? o.metadata?.name ?? '',
      keys: [...new Set((spec.data ?? []).map((d) => d.secretKey).filter((k): k is string => Boolean(k)))].sort(),
      ...(a[Annotations.instance] ? { instance: a[Annotations.instance] } : {}),
    });
  }
  externalSecrets.sort((x, y) => x.namespace.localeCompare(y.namespace) || x.name.localeCompare(y.name));
  // The stores as rendered for this environment's cluster: what the live ones must not exceed.
  const storeNamespaces: Record<string, readonly string[]> = {};
  for (const o of objects) {
    if (o.kind !== 'ClusterSecretStore' || !o.metadata?.name || !stores.has(o.metadata.name)) continue;
    if (o.metadata.annotations?.[Annotations.cluster] !== env.environment.cluster) continue;
    const namespaces = conditionNamespaces(o);
    if (namespaces) storeNamespaces[o.metadata.name] = namespaces;
  }
  return { environment: name, ...(slot !== undefined ? { slot } : {}), stores: [...stores].sort(), storeNamespaces, externalSecrets };
}
