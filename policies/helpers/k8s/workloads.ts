import { asArray, dig, isJson, Json, KubeObject, ptr, str } from './objects';

/**
 * Where workloads name Secrets. Pod templates are found by shape rather than by a list of kinds,
 * so Deployments, StatefulSets, Jobs, CronJobs, Argo Rollouts and custom kinds with a standard pod
 * template are all covered.
 */
export interface PodSpecAt {
  readonly spec: Json;
  /** Pointer of the pod spec within the document. */
  readonly at: string;
}

export function podSpecs(o: KubeObject): PodSpecAt[] {
  const v = o.value;
  if (o.kind === 'Pod' && isJson(v.spec)) return [{ spec: v.spec, at: ptr(o.at, 'spec') }];
  const template = dig(v, 'spec', 'template', 'spec');
  if (isJson(template)) return [{ spec: template, at: ptr(o.at, 'spec', 'template', 'spec') }];
  const job = dig(v, 'spec', 'jobTemplate', 'spec', 'template', 'spec');
  if (isJson(job)) return [{ spec: job, at: ptr(o.at, 'spec', 'jobTemplate', 'spec', 'template', 'spec') }];
  return [];
}

export const CONTAINER_FIELDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export interface ContainerAt {
  readonly container: Json;
  readonly at: string;
}

export function containersOf(pod: PodSpecAt): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const field of CONTAINER_FIELDS) {
    asArray(pod.spec[field]).forEach((c, i) => {
      if (isJson(c)) out.push({ container: c, at: ptr(pod.at, field, i) });
    });
  }
  return out;
}

export type SecretRefVia = 'secretKeyRef' | 'envFrom' | 'volume' | 'projected' | 'existingSecret';

/** One place a workload names a Secret (and possibly keys of it). */
export interface SecretRef {
  readonly name: string;
  /** Keys the reference needs; empty when it takes the whole Secret. */
  readonly keys: readonly { readonly key: string; readonly at: string }[];
  readonly optional: boolean;
  readonly via: SecretRefVia;
  /** Pointer of the name field. */
  readonly at: string;
  /** The env var or volume the reference feeds, for messages. */
  readonly consumer?: string;
}

function itemKeys(items: unknown, base: string): { key: string; at: string }[] {
  const out: { key: string; at: string }[] = [];
  asArray(items).forEach((it, i) => {
    const k = str(dig(it, 'key'));
    if (k) out.push({ key: k, at: ptr(base, 'items', i, 'key') });
  });
  return out;
}

/** Every Secret reference of an object's pod templates. */
export function secretRefs(o: KubeObject): SecretRef[] {
  const out: SecretRef[] = [];
  for (const pod of podSpecs(o)) {
    for (const { container, at } of containersOf(pod)) {
      asArray(container.env).forEach((e, i) => {
        const ref = dig(e, 'valueFrom', 'secretKeyRef');
        const name = str(dig(ref, 'name'));
        if (!isJson(ref) || !name) return;
        const base = ptr(at, 'env', i, 'valueFrom', 'secretKeyRef');
        const key = str(ref.key);
        out.push({
          name,
          keys: key ? [{ key, at: ptr(base, 'key') }] : [],
          optional: ref.optional === true,
          via: 'secretKeyRef',
          at: ptr(base, 'name'),
          ...(str(dig(e, 'name')) ? { consumer: dig(e, 'name') as string } : {}),
        });
      });
      asArray(container.envFrom).forEach((e, i) => {
        const ref = dig(e, 'secretRef');
        const name = str(dig(ref, 'name'));
        if (!isJson(ref) || !name) return;
        out.push({ name, keys: [], optional: ref.optional === true, via: 'envFrom', at: ptr(at, 'envFrom', i, 'secretRef', 'name') });
      });
    }
    asArray(pod.spec.volumes).forEach((vol, i) => {
      const volName = str(dig(vol, 'name'));
      const secret = dig(vol, 'secret');
      const secretName = str(dig(secret, 'secretName'));
      if (isJson(secret) && secretName) {
        const base = ptr(pod.at, 'volumes', i, 'secret');
        out.push({
          name: secretName,
          keys: itemKeys(secret.items, base),
          optional: secret.optional === true,
          via: 'volume',
          at: ptr(base, 'secretName'),
          ...(volName ? { consumer: volName } : {}),
        });
      }
      asArray(dig(vol, 'projected', 'sources')).forEach((src, j) => {
        const s = dig(src, 'secret');
        const name = str(dig(s, 'name'));
        if (!isJson(s) || !name) return;
        const base = ptr(pod.at, 'volumes', i, 'projected', 'sources', j, 'secret');
        out.push({ name, keys: itemKeys(s.items, base), optional: s.optional === true, via: 'projected', at: ptr(base, 'name'), ...(volName ? { consumer: volName } : {}) });
      });
    });
  }
  return out;
}

/**
 * Helm values naming an existing Secret (`existingSecret: name`, at any depth, the convention of
 * most community charts). Keys are chart-specific, so only the name is checked.
 */
export function existingSecretRefs(value: unknown, base = ''): SecretRef[] {
  const out: SecretRef[] = [];
  const walk = (v: unknown, at: string, depth: number) => {
    if (depth > 64) return;
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, ptr(at, i), depth + 1));
    else if (isJson(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'existingSecret' && typeof x === 'string' && x.trim() !== '') out.push({ name: x.trim(), keys: [], optional: false, via: 'existingSecret', at: ptr(at, k) });
        else walk(x, ptr(at, k), depth + 1);
      }
    }
  };
  walk(value, base, 0);
  return out;
}
