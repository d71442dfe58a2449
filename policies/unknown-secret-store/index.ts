import { ESO_SPEC, objectShape } from '../helpers/k8s/shapes';
import { prune } from '../../lib/scan/summary';
import { catalogIndex } from '../helpers/catalog-index';
import { externalSecretViews, storeViews, StoreView } from '../helpers/k8s/external-secrets';
import { allObjects, displayName, interestOutsideCrds, isTemplated, refOf, sameNamespace } from '../helpers/k8s/objects';
import { shownName } from '../helpers/k8s/shown';
import type { Rule } from '../../lib/scan/types';

/** What checkProject reads of a document: object identity, store references and store providers. */
const SUMMARY = objectShape(ESO_SPEC);

/**
 * An ExternalSecret whose store reference resolves to nothing never syncs: the workload waits for
 * a Secret that does not come. Stores count when scanned (a SecretStore only in its own namespace)
 * or declared in the catalog (`spec.vault.store`, rendered as a ClusterSecretStore).
 */
export const unknownSecretStore: Rule = {
  meta: {
    id: 'unknown-secret-store',
    description: 'An ExternalSecret references a SecretStore or ClusterSecretStore that is neither scanned nor declared in the catalog.',
    remediation:
      'Point secretStoreRef at the catalog store (kind ClusterSecretStore, the name in spec.vault.store) or at a SecretStore in the same namespace, or add the store manifest to the repository.',
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
    let catalog: { store?: string } | undefined;
    const storeOfCatalog = () => (catalog ??= { store: ctx.project ? catalogIndex(ctx.project).storeName : undefined }).store;
    for (const es of externalSecretViews(objects)) {
      const seen = new Set<string>();
      for (const ref of es.stores) {
        if (isTemplated(ref.name) || seen.has(`${ref.kind}/${ref.name}`)) continue;
        seen.add(`${ref.kind}/${ref.name}`);
        const named = stores.get(`${ref.kind}/${ref.name}`) ?? [];
        const known =
          ref.kind === 'ClusterSecretStore'
            ? named.length > 0 || ref.name === storeOfCatalog()
            : named.some((s) => es.anyNamespace || sameNamespace(s.namespace, es.object.namespace));
        if (known) continue;
        const elsewhere = stores.get(`SecretStore/${ref.name}`)?.[0];
        const catalogName = storeOfCatalog();
        const hint = elsewhere
          ? ref.kind === 'SecretStore'
            ? `; a SecretStore of that name exists only in namespace "${elsewhere.namespace}"`
            : '; a namespaced SecretStore of that name exists: set kind: SecretStore or use the cluster store'
          : ref.kind === 'SecretStore' && catalogName === ref.name
            ? '; the catalog store is a ClusterSecretStore: set kind: ClusterSecretStore'
            : catalogName
              ? `; the catalog store is ClusterSecretStore "${catalogName}"`
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
