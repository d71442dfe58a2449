import { asArray, dig, isJson, KubeObject, ptr, str } from './objects';

/**
 * External Secrets Operator objects as the rules need them: which store each read goes to, which
 * remote keys it reads, and which Secret (and keys) it produces.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export const ESO_GROUP = 'external-secrets.io';

export type StoreKind = 'SecretStore' | 'ClusterSecretStore';

export interface StoreRef {
  readonly kind: StoreKind;
  readonly name: string;
  /** Pointer of the reference (its `name` field). */
  readonly at: string;
}

export interface RemoteRead {
  /** The remote key as written (`ai/agents`, `secret/data/ai/agents`...). */
  readonly key: string;
  /** Undefined when the whole remote secret is read. */
  readonly property?: string;
  /** `data` reads one property into one key; `extract` reads every property of a path. */
  readonly via: 'data' | 'extract';
  /** The store this read goes to (per-entry `sourceRef.storeRef`, else the spec's). */
  readonly store?: StoreRef;
  readonly at: string;
}

export interface ExternalSecretView {
  readonly object: KubeObject;
  /** Pointer of the ExternalSecret spec (inside a ClusterExternalSecret: `externalSecretSpec`). */
  readonly at: string;
  /** The ExternalSecret spec itself. */
  readonly spec: Readonly<Record<string, unknown>>;
  readonly store?: StoreRef;
  readonly reads: readonly RemoteRead[];
  /** Every store referenced: the spec's and each entry's. */
  readonly stores: readonly StoreRef[];
  /** The Secret it writes; undefined when it targets a non-Secret manifest. */
  readonly targetName?: string;
  /** Keys of the target Secret; undefined when they cannot be known (dataFrom, templates). */
  readonly targetKeys?: ReadonlySet<string>;
  /** ClusterExternalSecrets write into many namespaces. */
  readonly anyNamespace: boolean;
}

export function isEsoKind(o: KubeObject, kind: string): boolean {
  return o.kind === kind && (o.apiVersion === '' || o.apiVersion.startsWith(`${ESO_GROUP}/`));
}

function storeRefAt(v: unknown, at: string): StoreRef | undefined {
  const name = str(dig(v, 'name'));
  if (!name) return undefined;
  const kind = dig(v, 'kind') === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore';
  return { kind, name, at: ptr(at, 'name') };
}

/** ExternalSecret or ClusterExternalSecret as a view; undefined for anything else. */
export function externalSecretView(o: KubeObject): ExternalSecretView | undefined {
  let spec: unknown;
  let at: string;
  if (isEsoKind(o, 'ExternalSecret')) {
    spec = o.value.spec;
    at = ptr(o.at, 'spec');
  } else if (isEsoKind(o, 'ClusterExternalSecret')) {
    spec = dig(o.value, 'spec', 'externalSecretSpec');
    at = ptr(o.at, 'spec', 'externalSecretSpec');
  } else return undefined;
  if (!isJson(spec)) spec = {};
  const s = spec as Record<string, unknown>;
  const store = storeRefAt(s.secretStoreRef, ptr(at, 'secretStoreRef'));
  const stores: StoreRef[] = store ? [store] : [];
  const reads: RemoteRead[] = [];
  const keys = new Set<string>();
  let keysKnown = true;

  asArray(s.data).forEach((d, i) => {
    const base = ptr(at, 'data', i);
    const own = storeRefAt(dig(d, 'sourceRef', 'storeRef'), ptr(base, 'sourceRef', 'storeRef'));
    if (own) stores.push(own);
    const secretKey = str(dig(d, 'secretKey'));
    if (secretKey) keys.add(secretKey);
    const key = str(dig(d, 'remoteRef', 'key'));
    if (key && dig(d, 'sourceRef', 'generatorRef') === undefined) {
      const property = str(dig(d, 'remoteRef', 'property'));
      reads.push({ key, ...(property ? { property } : {}), via: 'data', ...(own ?? store ? { store: own ?? store } : {}), at: ptr(base, 'remoteRef', property ? 'property' : 'key') });
    }
  });
  asArray(s.dataFrom).forEach((d, i) => {
    const base = ptr(at, 'dataFrom', i);
    const own = storeRefAt(dig(d, 'sourceRef', 'storeRef'), ptr(base, 'sourceRef', 'storeRef'));
    if (own) stores.push(own);
    // Every dataFrom entry contributes keys named by the remote side: unknowable here.
    keysKnown = false;
    const key = str(dig(d, 'extract', 'key'));
    if (key && dig(d, 'sourceRef', 'generatorRef') === undefined) {
      reads.push({ key, via: 'extract', ...(own ?? store ? { store: own ?? store } : {}), at: ptr(base, 'extract', 'key') });
    }
  });
  const target = isJson(s.target) ? s.target : {};
  // A template can rename, add and drop keys.
  if (target.template !== undefined) keysKnown = false;
  const targetName = target.manifest !== undefined ? undefined : (str(target.name) ?? o.name);
  return {
    object: o,
    at,
    spec: s,
    ...(store ? { store } : {}),
    reads,
    stores,
    ...(targetName ? { targetName } : {}),
    ...(keysKnown ? { targetKeys: keys } : {}),
    anyNamespace: o.kind === 'ClusterExternalSecret',
  };
}

export function externalSecretViews(objects: readonly KubeObject[]): ExternalSecretView[] {
  return objects.map(externalSecretView).filter((v): v is ExternalSecretView => v !== undefined);
}

/** A SecretStore or ClusterSecretStore object, with its provider names (`vault`, `aws`...). */
export interface StoreView {
  readonly object: KubeObject;
  readonly kind: StoreKind;
  readonly name: string;
  readonly namespace?: string;
  readonly providers: readonly string[];
}

export function storeViews(objects: readonly KubeObject[]): StoreView[] {
  const out: StoreView[] = [];
  for (const o of objects) {
    if (!o.name || !(isEsoKind(o, 'SecretStore') || isEsoKind(o, 'ClusterSecretStore'))) continue;
    const provider = dig(o.value, 'spec', 'provider');
    out.push({
      object: o,
      kind: o.kind as StoreKind,
      name: o.name,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      providers: isJson(provider) ? Object.keys(provider) : [],
    });
  }
  return out;
}
