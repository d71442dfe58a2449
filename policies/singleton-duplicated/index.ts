import { objectShape, podSpecShape } from '../helpers/k8s/shapes';
import { prune } from '../../lib/scan/summary';
import { Annotations, Labels } from '../../lib/constructs/metadata';
import { catalogIndex } from '../helpers/catalog-index';
import { allObjects, displayName, interestOutsideCrds, KubeObject, ptr, refOf } from '../helpers/k8s/objects';
import { podSpecs } from '../helpers/k8s/workloads';
import type { Rule } from '../../lib/scan/types';

/** What checkProject reads of a document: identity, labels and annotations, and whether it runs pods. */
const SUMMARY = objectShape(podSpecShape({}));

/**
 * An infrastructure singleton (oauth2-proxy) runs once per cluster and OAuth client: one process
 * serves one OAuth client, and a second copy for the same client fights the first over cookies and
 * callbacks. Rendered per slot or per environment instance, it multiplies with every slot.
 */
export const singletonDuplicated: Rule = {
  meta: {
    id: 'singleton-duplicated',
    description: 'An infrastructure singleton is rendered more than once per cluster and OAuth client, or inside an environment instance namespace.',
    remediation:
      'Render the singleton once per cluster and OAuth client in its platform namespace (as synth does from the catalog) and send slot ingresses through it instead of deploying a copy per slot.',
    defaultSeverity: 'error',
    docs: 'policies/singleton-duplicated/README.md',
    scope: 'project',
    // Labelled workloads (what runs), or objects annotated with an environment instance, in either order.
    interest: interestOutsideCrds(
      /app\.kubernetes\.io\/name[\s\S]*?(?:\bcontainers"?\s*:|secretops\.dev\/instance)|(?:\bcontainers"?\s*:|secretops\.dev\/instance)[\s\S]*?app\.kubernetes\.io\/name/,
    ),
  },
  summarize: (doc) => prune(doc.value, SUMMARY),
  checkProject(docs, ctx, report) {
    const named = allObjects(docs).filter((o) => o.labels[Labels.name] !== undefined);
    if (named.length === 0 || !ctx.project) return;
    const idx = catalogIndex(ctx.project);
    const singletons = new Map(idx.singletons.map((s) => [s.name, s]));
    if (singletons.size === 0) return;
    const firstOf = new Map<string, KubeObject>();
    for (const o of named) {
      const name = o.labels[Labels.name];
      const service = name ? singletons.get(name) : undefined;
      if (!service) continue;
      const who = `${o.kind} "${displayName(o.name ?? '?', o.namespace)}" of singleton "${service.name}"`;
      const instance = o.annotations[Annotations.instance];
      const slot = instance ? idx.instance(instance)?.slot : undefined;
      if (o.namespace && o.namespace !== (service.namespace ?? 'platform') && idx.isInstanceNamespace(o.namespace)) {
        report({ doc: o.doc, pointer: ptr(o.at, 'metadata', 'namespace'), object: refOf(o), message: `${who} is rendered in environment instance namespace "${o.namespace}"` });
      } else if (slot !== undefined) {
        report({ doc: o.doc, pointer: ptr(o.at, 'metadata', 'annotations', Annotations.instance), object: refOf(o), message: `${who} is rendered per slot (instance "${instance}")` });
      }
      // Count running copies: workloads only (a singleton legitimately has one of each other kind too).
      if (podSpecs(o).length === 0) continue;
      const cluster = idx.placement(o).cluster?.name;
      if (!cluster) continue;
      const client = o.annotations[Annotations.oauthClient] ?? '';
      const key = `${service.name}\u0000${o.kind}\u0000${cluster}\u0000${client}`;
      const first = firstOf.get(key);
      if (!first) {
        firstOf.set(key, o);
        continue;
      }
      const firstPos = first.doc.positionOf(first.at);
      report({
        doc: o.doc,
        pointer: ptr(o.at, 'metadata', 'name'),
        object: refOf(o),
        // A hook reports the duplicate when either copy is among the scanned files.
        dueTo: [first.doc.file.path],
        message: `${who} is a second copy on cluster "${cluster}" for ${client ? `OAuth client "${client}"` : 'the same OAuth client'} (first: ${first.kind} "${displayName(first.name ?? '?', first.namespace)}" at ${first.doc.file.path}:${firstPos.line})`,
      });
    }
  },
};

export default singletonDuplicated;
