import type { Shape } from '../../../lib/scan/summary';

/**
 * Shapes (`lib/scan/summary.ts`) of what the views of this folder read, for project rules'
 * summaries. Each mirrors one reader: change them together.
 */

/** What `objectsOf` / `toObject` read of an object. */
const OBJECT_META = {
  apiVersion: true,
  kind: true,
  metadata: { name: true, namespace: true, labels: true, annotations: true },
} as const;

/**
 * A document as `objectsOf` sees it: the object with `spec` pruned by `spec` and any other
 * top-level fields named in `top`, or a `*List` whose items are such objects.
 */
export function objectShape(spec: Shape, top: Readonly<Record<string, Shape>> = {}): Shape {
  const object = { ...OBJECT_META, ...top, spec };
  return { ...object, items: object };
}

/** `storeRefAt`. */
const STORE_REF = { name: true, kind: true } as const;
const SOURCE_REF = { storeRef: STORE_REF, generatorRef: null } as const;

/** What `externalSecretView` reads of an ExternalSecret spec. */
const ES_SPEC = {
  secretStoreRef: STORE_REF,
  data: { secretKey: true, sourceRef: SOURCE_REF, remoteRef: { key: true, property: true } },
  dataFrom: { sourceRef: SOURCE_REF, extract: { key: true } },
  target: { name: true, manifest: null, template: null },
} as const;

/** `externalSecretView` (ExternalSecret and ClusterExternalSecret) and `storeViews` (provider names). */
export const ESO_SPEC = { ...ES_SPEC, externalSecretSpec: ES_SPEC, provider: { '*': null } } as const;

/** What `secretRefs` reads of a pod spec. */
const SECRET_ITEMS = { key: true } as const;
export const POD_SPEC = {
  ...Object.fromEntries(
    ['initContainers', 'containers', 'ephemeralContainers'].map((f) => [
      f,
      { env: { name: true, valueFrom: { secretKeyRef: true } }, envFrom: { secretRef: true } },
    ]),
  ),
  volumes: {
    name: true,
    secret: { secretName: true, optional: true, items: SECRET_ITEMS },
    projected: { sources: { secret: { name: true, optional: true, items: SECRET_ITEMS } } },
  },
} as const;

/**
 * What `podSpecs` reads below an object's `spec`: a Pod's own spec, a pod template, a CronJob's
 * job template, each pruned by `pod` (`{}`: only that it is there; `POD_SPEC`: what `secretRefs`
 * reads). `template` adds fields of `spec.template` other readers need.
 */
export function podSpecShape(pod: { readonly [key: string]: Shape }, template: { readonly [key: string]: Shape } = {}): Record<string, Shape> {
  return { ...pod, template: { ...template, spec: pod }, jobTemplate: { spec: { template: { spec: pod } } } };
}
