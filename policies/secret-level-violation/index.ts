import { Annotations } from '../../lib/constructs/metadata';
import type { SecretLevel } from '../../lib/catalog/types';
import { catalogIndex, CatalogIndex } from '../helpers/catalog-index';
import { externalSecretView } from '../helpers/k8s/external-secrets';
import { dig, displayName, interestOutsideCrds, objectsOf, ptr, refOf, str } from '../helpers/k8s/objects';
import { secretRefs } from '../helpers/k8s/workloads';
import type { Rule } from '../../lib/scan/types';

/**
 * Project-level (L2) secrets live in GitHub (Actions and environment secrets) and user-level (L3)
 * ones with the person; neither is ever rendered into a cluster manifest. A cluster that holds or
 * expects one has widened its blast radius beyond what the catalog promised.
 */
const DELIVERED: Record<Exclude<SecretLevel, 'platform'>, string> = {
  project: 'project-level secrets live in GitHub (Actions and environment secrets), never in a cluster',
  user: 'user-level secrets stay with their user and are never rendered',
};

const NOT_CLUSTER_KINDS = new Set(['ServiceCatalog', 'VaultFixtures', 'VaultInventory']);

export const secretLevelViolation: Rule = {
  meta: {
    id: 'secret-level-violation',
    description: 'A project- or user-level secret is rendered into, or referenced by, a cluster manifest.',
    remediation:
      'Remove the Secret, ExternalSecret or reference from the cluster manifest; if a workload really needs the value in the cluster, make it a platform-level secret in the catalog so it is delivered from Vault.',
    defaultSeverity: 'error',
    docs: 'policies/secret-level-violation/README.md',
    scope: 'document',
    interest: interestOutsideCrds(/secretops\.dev\/level|Secret|secretKeyRef|secretRef|secretName/),
  },
  checkDocument(doc, ctx, report) {
    for (const o of objectsOf(doc)) {
      if (NOT_CLUSTER_KINDS.has(o.kind) || !o.apiVersion) continue;
      const flag = (pointer: string, level: 'project' | 'user', what: string) =>
        report({ doc, pointer, object: refOf(o), message: `${o.kind} "${displayName(o.name ?? '?', o.namespace)}" ${what}; ${DELIVERED[level]}` });
      const annotated = o.annotations[Annotations.level];
      if (annotated === 'project' || annotated === 'user') {
        flag(ptr(o.at, 'metadata', 'annotations', Annotations.level), annotated, `is annotated as a ${annotated}-level secret`);
        continue;
      }
      const rendered = renderedSecretName(o);
      const refs = secretRefs(o);
      // The catalog is loaded only for objects that hold or name a Secret.
      if (!rendered && refs.length === 0) continue;
      const idx = ctx.project ? catalogIndex(ctx.project) : undefined;
      if (!idx) continue;
      const renderedLevel = rendered ? levelOf(idx, rendered.name) : undefined;
      if (rendered && renderedLevel) {
        flag(rendered.at, renderedLevel, `renders the ${renderedLevel}-level catalog secret "${rendered.name}"`);
        continue;
      }
      for (const ref of refs) {
        const level = levelOf(idx, ref.name);
        if (level) flag(ref.at, level, `references the ${level}-level catalog secret "${ref.name}"`);
      }
    }
  },
};

/** The Secret an object puts into the cluster, if it is one that does. */
function renderedSecretName(o: ReturnType<typeof objectsOf>[number]): { name: string; at: string } | undefined {
  if (o.kind === 'Secret' && o.name) return { name: o.name, at: ptr(o.at, 'metadata', 'name') };
  if (o.kind === 'SealedSecret') {
    const name = str(dig(o.value, 'spec', 'template', 'metadata', 'name')) ?? o.name;
    return name ? { name, at: ptr(o.at, 'metadata', 'name') } : undefined;
  }
  const es = externalSecretView(o);
  if (es?.targetName) return { name: es.targetName, at: dig(es.spec, 'target', 'name') !== undefined ? ptr(es.at, 'target', 'name') : ptr(o.at, 'metadata', 'name') };
  return undefined;
}

/** The level of a catalog secret name when it is project or user (and no platform secret shares the name). */
function levelOf(idx: CatalogIndex, name: string): 'project' | 'user' | undefined {
  const entries = idx.secretsByName.get(name) ?? [];
  if (entries.length === 0 || entries.some((e) => e.secret.level === 'platform')) return undefined;
  return entries.some((e) => e.secret.level === 'user') ? 'user' : 'project';
}

export default secretLevelViolation;
