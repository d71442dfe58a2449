import { ESO_SPEC, objectShape } from '../helpers/k8s/shapes';
import { prune } from '../../lib/scan/summary';
import { catalogIndex } from '../helpers/catalog-index';
import { externalSecretViews, storeViews, StoreView } from '../helpers/k8s/external-secrets';
import { allObjects, dig, displayName, interestOutsideCrds, isJson, isTemplated, refOf, sameNamespace } from '../helpers/k8s/objects';
import { shownName } from '../helpers/k8s/shown';
import type { Rule } from '../../lib/scan/types';

/**
 * What checkProject reads of a document: object identity, store references, store providers and
 * a ClusterSecretStore's namespace conditions.
 */
const SUMMARY = objectShape({ ...ESO_SPEC, conditions: true });

/**
 * An ExternalSecret whose store reference resolves to nothing never syncs: the workload waits for
 * a Secret that does not come. Stores count when scanned (a SecretStore only in its own namespace)
 * or declared in the catalog (the ClusterSecretStores of lib/catalog/stores.ts: one per environment
 * and singleton namespace, or `spec.vault.store` alone with `isolation: shared`). A ClusterSecretStore
 * whose `spec.conditions` do not admit the ExternalSecret's namespace is as good as none: ESO
 * refuses to reconcile it there (its ClusterSecretStore namespace conditions,
 * https://external-secrets.io/latest/api/clustersecretstore/).
 */
export const unknownSecretStore: Rule = {
  meta: {
    id: 'unknown-secret-store',
    description: 'An ExternalSecret references a SecretStore or ClusterSecretStore that is neither scanned nor declared in the catalog, or a ClusterSecretStore whose conditions do not admit its namespace.',
    remediation:
      "Point secretStoreRef at the catalog store of the ExternalSecret's environment (kind ClusterSecretStore, <spec.vault.store>-<environment>, or <spec.vault.store>-<namespace> for singletons) or at a SecretStore in the same namespace, or add the store manifest to the repository.",
    defaultSeverity: 'error',
    docs: 'policies/unknown-secret-store/README.md',
    scope: 'project',
    interest: interestOutsideCrds(/ExternalSecret|SecretStore/),
  },
  summarize: (doc) => prune(doc.value, SUMMARY),
  checkProject(docs, ctx, report) {
    const objects = allObjects(docs);
    const stores = new Map<string, StoreView[]>();
    for (const s of storeViews(objects)) {
      const key = `${s.kind}/${s.name}`;
      const list = stores.get(key);
      if (list) list.push(s);
      else stores.set(key, [s]);
    }
    // The catalog is loaded only when a reference is not resolved by a scanned store.
    type CatalogStores = { readonly byName: ReadonlyMap<string, ReadonlySet<string> | undefined>; readonly names: readonly string[] };
    let catalog: CatalogStores | undefined;
    const catalogStores = (): CatalogStores => {
      if (catalog) return catalog;
      const byName = ctx.project ? catalogIndex(ctx.project).stores : new Map<string, ReadonlySet<string> | undefined>();
      return (catalog = { byName, names: [...byName.keys()].sort() });
    };
    const storeOfCatalog = () => {
      const { names } = catalogStores();
      return names.length === 0 ? undefined : names.join('", "');
    };
    /** Namespaces a store admits by its own conditions (scanned) or the catalog's; undefined: any. */
    const admitted = (named: readonly StoreView[], name: string): ReadonlySet<string> | undefined => {
      if (named.length > 0) {
        const all = new Set<string>();
        for (const s of named) {
          const conditions = dig(s.object.value, 'spec', 'conditions');
          if (!Array.isArray(conditions) || conditions.length === 0) return undefined;
          for (const c of conditions) {
            const namespaces = isJson(c) ? c.namespaces : undefined;
            // A selector or regex condition: this rule does not evaluate it, so it admits the namespace.
            if (!Array.isArray(namespaces) || (isJson(c) && (c.namespaceSelector !== undefined || c.namespaceRegexes !== undefined))) return undefined;
            for (const ns of namespaces) if (typeof ns === 'string') all.add(ns);
          }
        }
        return all;
      }
      return catalogStores().byName.get(name);
    };
    for (const es of externalSecretViews(objects)) {
      const seen = new Set<string>();
      for (const ref of es.stores) {
        if (isTemplated(ref.name) || seen.has(`${ref.kind}/${ref.name}`)) continue;
        seen.add(`${ref.kind}/${ref.name}`);
        const named = stores.get(`${ref.kind}/${ref.name}`) ?? [];
        const known =
          ref.kind === 'ClusterSecretStore'
            ? named.length > 0 || catalogStores().byName.has(ref.name)
            : named.some((s) => es.anyNamespace || sameNamespace(s.namespace, es.object.namespace));
        if (known) {
          const ns = es.object.namespace;
          const admits = ref.kind === 'ClusterSecretStore' && ns && !es.anyNamespace ? admitted(named, ref.name) : undefined;
          if (admits && ns && !admits.has(ns)) {
            const fitting = catalogStores().names.filter((n) => catalogStores().byName.get(n)?.has(ns));
            report({
              doc: es.object.doc,
              pointer: ref.at,
              object: refOf(es.object),
              message: `${es.object.kind} "${displayName(es.object.name ?? '?', ns)}" references ClusterSecretStore "${shownName(ref.name)}", whose conditions do not admit namespace "${ns}" (it serves ${[...admits].sort().join(', ') || 'no namespace'}): ESO will not sync it${fitting.length ? `; the store for "${ns}" is "${fitting.join('", "')}"` : ''}`,
            });
          }
          continue;
        }
        const elsewhere = stores.get(`SecretStore/${ref.name}`)?.[0];
        const catalogName = storeOfCatalog();
        const hint = elsewhere
          ? ref.kind === 'SecretStore'
            ? `; a SecretStore of that name exists only in namespace "${elsewhere.namespace}"`
            : '; a namespaced SecretStore of that name exists: set kind: SecretStore or use the cluster store'
          : ref.kind === 'SecretStore' && catalogStores().byName.has(ref.name)
            ? '; the catalog store is a ClusterSecretStore: set kind: ClusterSecretStore'
            : catalogName
              ? `; the catalog store${catalogStores().names.length > 1 ? 's are ClusterSecretStores' : ' is ClusterSecretStore'} "${catalogName}"`
              : '';
        report({
          doc: es.object.doc,
          pointer: ref.at,
          object: refOf(es.object),
          message: `${es.object.kind} "${displayName(es.object.name ?? '?', es.object.namespace)}" references ${ref.kind} "${shownName(ref.name)}", which is neither scanned nor declared in the catalog${hint}`,
        });
      }
    }
  },
};

export default unknownSecretStore;
