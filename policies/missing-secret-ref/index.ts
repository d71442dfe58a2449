import { vaultCaProvider } from '../../lib/catalog/vault-tls';
import { ESO_SPEC, objectShape, POD_SPEC, podSpecShape } from '../helpers/k8s/shapes';
import { prune } from '../../lib/scan/summary';
import { minimatch } from 'minimatch';
import { serviceNamespace, environmentInstances } from '../../lib/catalog/layout';
import { catalogIndex } from '../helpers/catalog-index';
import { externalSecretViews } from '../helpers/k8s/external-secrets';
import { allObjects, asArray, dig, displayName, interestOutsideCrds, isJson, isTemplated, KubeObject, refOf, sameNamespace, str } from '../helpers/k8s/objects';
import { shownKey, shownName } from '../helpers/k8s/shown';
import { existingSecretRefs, SecretRef, secretRefs } from '../helpers/k8s/workloads';
import type { Project } from '../../lib/project/load';
import type { Resolution } from '../../lib/resolver/resolver';
import type { ManifestDocument, ObjectRef, Rule } from '../../lib/scan/types';

/**
 * A workload that names a Secret nothing creates never starts (CreateContainerConfigError); one
 * that names a key the Secret does not have fails the same way. Providers are ExternalSecrets
 * (by target name), Secrets, SealedSecrets, cert-manager Certificates and kustomize
 * secretGenerators scanned in the same run, platform secrets the catalog declares (in the
 * namespaces the catalog gives their service), and names configured under `provided`.
 */
interface Provider {
  readonly what: string;
  readonly name: string;
  readonly namespace?: string;
  readonly anyNamespace: boolean;
  /** Undefined when the keys cannot be known statically. */
  readonly keys?: ReadonlySet<string>;
  /** Keys synth writes to the `<secret>-defaults` ConfigMap instead (their catalog default wins). */
  readonly defaults?: { readonly configMap: string; readonly keys: ReadonlySet<string> };
}

/**
 * What checkProject reads of a document: consumers' Secret references (pod specs), and providers'
 * names and key names (never values): ExternalSecrets, Secrets, SealedSecrets, cert-manager
 * Certificates, kustomize secretGenerators.
 */
const KEYS_ONLY = { '*': null } as const;
const SUMMARY = objectShape(
  { ...ESO_SPEC, ...podSpecShape(POD_SPEC, { metadata: { name: true }, data: KEYS_ONLY }), encryptedData: KEYS_ONLY, secretName: true },
  { type: true, data: KEYS_ONLY, stringData: KEYS_ONLY, namespace: true, secretGenerator: { name: true } },
);

/** The production bootstrap Job's scoped token Secret, unless `spec.vault.bootstrap.tokenSecretName` names another. */
export const DEFAULT_BOOTSTRAP_TOKEN_SECRET = 'vault-bootstrap-token';

export const missingSecretRef: Rule = {
  meta: {
    id: 'missing-secret-ref',
    description: 'A workload references a Secret, or a key of one, that no ExternalSecret, Secret or catalog entry provides.',
    remediation:
      'Declare the secret (and key) in the catalog so synth renders its ExternalSecret, fix the name or key in the workload, or mark the reference `optional: true` when the workload runs without it.',
    defaultSeverity: 'error',
    docs: 'policies/missing-secret-ref/README.md',
    scope: 'project',
    // Workloads name Secrets through these fields; providers are Secrets, ExternalSecrets, certificates and generators;
    // synth's `<secret>-defaults` ConfigMaps say where a key with a default went.
    interest: interestOutsideCrds(
      /secretKeyRef|secretRef|secretName|existingSecret|secretGenerator|-defaults\b|(?:^|\n)[\s-]*"?secret"?\s*:|\bkind"?\s*:\s*["']?(?:Secret|ExternalSecret|ClusterExternalSecret|SealedSecret|Certificate)\b/,
    ),
  },
  // Helm values name existing Secrets at any depth: kept whole (they are few and small).
  summarize: (doc) => (doc.file.helmValues && !doc.object ? doc.value : prune(doc.value, SUMMARY)),
  checkProject(docs, ctx, report) {
    const objects = allObjects(docs);
    const scanned = byName(scannedProviders(docs, objects));
    // Rendered objects are more precise than the catalog (synth moves keys with a default out of the
    // Secret), so the catalog is consulted, and loaded, only for names nothing scanned provides.
    let catalog: Map<string, Provider[]> | undefined;
    const catalogOf = (name: string) => (catalog ??= byName(ctx.project ? catalogProviders(ctx.project) : [])).get(name) ?? [];
    const provided = asArray(ctx.options.provided).filter((p): p is string => typeof p === 'string');
    const consumers: { doc: ManifestDocument; object?: ObjectRef; namespace?: string; who: string; refs: SecretRef[] }[] = [];
    for (const o of objects) {
      const refs = secretRefs(o);
      if (refs.length > 0) consumers.push({ doc: o.doc, object: refOf(o), ...(o.namespace ? { namespace: o.namespace } : {}), who: `${o.kind} "${displayName(o.name ?? '?', o.namespace)}"`, refs });
    }
    for (const doc of docs) {
      if (doc.file.helmValues && !doc.object) {
        const refs = existingSecretRefs(doc.value);
        if (refs.length > 0) consumers.push({ doc, who: 'Helm values', refs });
      }
    }
    for (const c of consumers) {
      for (const ref of c.refs) {
        if (ref.optional || isTemplated(ref.name)) continue;
        if (provided.some((p) => minimatch(ref.name, p) || (c.namespace !== undefined && minimatch(`${c.namespace}/${ref.name}`, p)))) continue;
        const inNamespace = (ps: Provider[]) => ps.filter((p) => p.anyNamespace || sameNamespace(p.namespace, c.namespace));
        const fromScan = inNamespace(scanned.get(ref.name) ?? []);
        const matches = fromScan.length > 0 ? fromScan : inNamespace(catalogOf(ref.name));
        const via = viaText(ref);
        if (matches.length === 0) {
          const elsewhere = [...(scanned.get(ref.name) ?? []), ...catalogOf(ref.name)][0];
          report({
            doc: c.doc,
            pointer: ref.at,
            ...(c.object ? { object: c.object } : {}),
            message: `${c.who} references Secret "${shownName(ref.name)}"${via}, which no ExternalSecret, Secret or catalog entry provides${c.namespace ? ` in namespace "${c.namespace}"` : ''}${elsewhere?.namespace ? `; one is provided in namespace "${elsewhere.namespace}"` : ''}`,
          });
          continue;
        }
        if (satisfies(matches, ref)) continue;
        const known = new Set(matches.flatMap((m) => [...m.keys!]));
        for (const k of ref.keys) {
          if (known.has(k.key) || isTemplated(k.key)) continue;
          const inDefaults = matches.find((m) => m.defaults?.keys.has(k.key))?.defaults ?? scannedDefaults(objects, ref.name, c.namespace, k.key);
          if (inDefaults) {
            report({
              doc: c.doc,
              pointer: k.at,
              ...(c.object ? { object: c.object } : {}),
              message: `${c.who} reads key "${shownKey(k.key)}" of Secret "${shownName(ref.name)}"${via}, but synth puts that key in ConfigMap "${shownName(inDefaults.configMap)}" (its catalog default is the value): read it with configMapKeyRef`,
            });
            continue;
          }
          report({
            doc: c.doc,
            pointer: k.at,
            ...(c.object ? { object: c.object } : {}),
            message: `${c.who} reads key "${shownKey(k.key)}" of Secret "${shownName(ref.name)}"${via}, which ${matches[0]!.what} does not expose (keys: ${[...known].sort().map(shownKey).join(', ') || 'none'})`,
          });
        }
      }
    }
  },
};

/** How a message says where the reference is: the env var a secretKeyRef fills, the volume that mounts it. */
function viaText(ref: SecretRef): string {
  if (ref.via === 'secretKeyRef' && ref.consumer) return ` for env var ${shownKey(ref.consumer)} (secretKeyRef)`;
  return ref.consumer ? ` (${ref.via} ${ref.consumer})` : ` (${ref.via})`;
}

/** A scanned `<name>-defaults` ConfigMap (as synth renders it) that holds the key. */
function scannedDefaults(objects: readonly KubeObject[], name: string, namespace: string | undefined, key: string): Provider['defaults'] {
  const configMap = `${name}-defaults`;
  const hit = objects.find((o) => o.kind === 'ConfigMap' && o.name === configMap && sameNamespace(o.namespace, namespace) && isJson(o.value.data) && Object.hasOwn(o.value.data, key));
  return hit ? { configMap, keys: new Set([key]) } : undefined;
}

function keySet(...maps: unknown[]): Set<string> | undefined {
  const keys = new Set<string>();
  let any = false;
  for (const m of maps) {
    if (!isJson(m)) continue;
    any = true;
    for (const k of Object.keys(m)) keys.add(k);
  }
  return any ? keys : undefined;
}

/** Some provider exists and exposes every key the reference reads (or its keys are unknowable). */
function satisfies(matches: readonly Provider[], ref: SecretRef): boolean {
  if (matches.length === 0) return false;
  if (matches.some((m) => m.keys === undefined)) return true;
  return ref.keys.every((k) => isTemplated(k.key) || matches.some((m) => m.keys!.has(k.key)));
}

function byName(providers: readonly Provider[]): Map<string, Provider[]> {
  const out = new Map<string, Provider[]>();
  for (const p of providers) {
    const list = out.get(p.name);
    if (list) list.push(p);
    else out.set(p.name, [p]);
  }
  return out;
}

/** Secrets the scanned objects create. */
function scannedProviders(docs: readonly ManifestDocument[], objects: readonly KubeObject[]): Provider[] {
  const out: Provider[] = [];
  for (const es of externalSecretViews(objects)) {
    if (!es.targetName) continue;
    out.push({
      what: `${es.object.kind} "${es.object.name}"`,
      name: es.targetName,
      ...(es.object.namespace ? { namespace: es.object.namespace } : {}),
      anyNamespace: es.anyNamespace,
      ...(es.targetKeys ? { keys: es.targetKeys } : {}),
    });
  }
  for (const o of objects) {
    const ns = o.namespace ? { namespace: o.namespace } : {};
    if (o.kind === 'Secret' && o.name) {
      // A service-account token or an empty Secret is filled in by a controller or another tool.
      const filledLater = o.value.type === 'kubernetes.io/service-account-token';
      const keys = filledLater ? undefined : keySet(o.value.data, o.value.stringData);
      out.push({ what: `Secret "${o.name}"`, name: o.name, ...ns, anyNamespace: false, ...(keys ? { keys } : {}) });
    } else if (o.kind === 'SealedSecret') {
      const name = str(dig(o.value, 'spec', 'template', 'metadata', 'name')) ?? o.name;
      const keys = keySet(dig(o.value, 'spec', 'encryptedData'), dig(o.value, 'spec', 'template', 'data'));
      if (name) out.push({ what: `SealedSecret "${name}"`, name, ...ns, anyNamespace: false, ...(keys ? { keys } : {}) });
    } else if (o.kind === 'Certificate' && o.apiVersion.startsWith('cert-manager.io/')) {
      const name = str(dig(o.value, 'spec', 'secretName'));
      if (name) out.push({ what: `Certificate "${o.name}"`, name, ...ns, anyNamespace: false });
    }
  }
  for (const doc of docs) {
    // kustomization.yaml often leaves out apiVersion and kind.
    if (!/(^|\/)kustomization\.ya?ml$/.test(doc.file.path) && doc.object?.kind !== 'Kustomization') continue;
    const kns = str(dig(doc.value, 'namespace'));
    for (const g of asArray(dig(doc.value, 'secretGenerator'))) {
      const name = str(dig(g, 'name'));
      if (name) out.push({ what: `secretGenerator "${name}"`, name, ...(kns ? { namespace: kns } : {}), anyNamespace: false });
    }
  }
  return out;
}

/** Secrets the catalog provides: platform secrets in their services' namespaces, the bootstrap token and Vault's CA. */
function catalogProviders(project: Project): Provider[] {
  const out: Provider[] = [];
  const { vault } = project.catalog.spec;
  const tokenSecret = vault.bootstrap?.tokenSecretName ?? DEFAULT_BOOTSTRAP_TOKEN_SECRET;
  out.push({ what: `bootstrap token Secret "${tokenSecret}" (provisioned out of band)`, name: tokenSecret, namespace: vault.namespace, anyNamespace: false });
  // The CA of an https Vault (spec.vault.tls.caProvider), which the bootstrap mounts from the Vault namespace.
  const ca = vaultCaProvider(project.catalog);
  if (ca.type === 'Secret') out.push({ what: `Vault CA Secret "${ca.name}" (provisioned out of band)`, name: ca.name, namespace: vault.namespace, anyNamespace: false });
  const idx = catalogIndex(project);
  // Which keys synth puts in the Secret and which in the `<secret>-defaults` ConfigMap depends on
  // each environment's resolution (lib/synthesis/plan.ts planSecrets): a key whose winner is its
  // catalog default is not in the Secret.
  const resolutions = new Map<string, Resolution[]>();
  const resolutionsOf = (env: string) => {
    let r = resolutions.get(env);
    if (!r) resolutions.set(env, (r = project.resolver.resolveEnvironment(env)));
    return r;
  };
  const instances = project.catalog.spec.environments.flatMap(environmentInstances);
  for (const [name, entries] of idx.secretsByName) {
    for (const { service, secret } of entries) {
      if (secret.level !== 'platform' || service.workload === false) continue;
      const byNamespace = new Map<string, { keys: Set<string>; defaults: Set<string> }>();
      for (const inst of instances) {
        const namespace = serviceNamespace(service, inst);
        const entry = byNamespace.get(namespace) ?? { keys: new Set<string>(), defaults: new Set<string>() };
        byNamespace.set(namespace, entry);
        for (const r of resolutionsOf(inst.environment.name)) {
          if (r.service !== service.name || r.secret !== secret.name || !r.winner) continue;
          (r.winner.tier === 'base' ? entry.defaults : entry.keys).add(r.key);
        }
      }
      for (const [namespace, { keys, defaults }] of byNamespace) {
        // A namespace several environments share: a key in the Secret of any of them counts as there.
        for (const k of keys) defaults.delete(k);
        out.push({ what: `catalog secret "${name}"`, name, namespace, anyNamespace: false, keys, ...(defaults.size > 0 ? { defaults: { configMap: `${name}-defaults`, keys: defaults } } : {}) });
      }
    }
  }
  return out;
}

export default missingSecretRef;
