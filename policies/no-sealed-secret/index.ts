import type { ManifestDocument, ObjectRef, Position, Rule, RuleReport, ScanFile } from '../../lib/scan/types';
import { isParseProblem, objectRef, parseSlice, splitDocuments, suppressedRules } from '../../lib/scan/parse';
import { neutralizeTemplate } from '../helpers/detect/helm-template';
import { lineLocator } from '../helpers/detect/text-position';

/**
 * SealedSecrets put encrypted secrets in Git, bound to one controller key per cluster: rotation,
 * audit and environment parity all happen outside Vault. This platform keeps every secret in Vault
 * and delivers it with an ExternalSecret.
 */
const MESSAGE_TAIL = 'use an ExternalSecret backed by Vault instead';

/**
 * `kind: SealedSecret` as a top-level key of a template document that does not parse even with its
 * actions neutralised (quoted or not, JSON style too). Indented lines are fields of something else
 * (an Argo CD `ignoreDifferences` entry, a CRD's `names`).
 */
const TEMPLATE_KIND = /^(?:kind|"kind")[ \t]*:[ \t]*["']?SealedSecret["']?[ \t]*,?[ \t]*(?:#.*)?$/gm;

function label(ref: ObjectRef | undefined): string {
  if (!ref?.name) return 'SealedSecret (unnamed)';
  return `SealedSecret ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Where an object sits: a document of its own, an item of a List, or deeper (in values). */
type Place = 'document' | 'item' | 'nested';

/**
 * An object whose own kind is SealedSecret (the bitnami.com group). A document or List item may
 * leave out apiVersion (a fragment, a kustomize patch); anything deeper must be a whole object
 * (apiVersion, and metadata or spec) to be one a chart renders from values (`extraObjects`).
 * Objects that merely name the kind are not SealedSecrets: a CRD's `spec.names`, Argo CD
 * `ignoreDifferences` (group and kind), kustomize configurations and replacements (`fieldSpecs`,
 * `kind` and `group`), RBAC rules (`resources: [sealedsecrets]`), and references that carry an
 * apiVersion but no body (Flux `healthChecks`, `ownerReferences`: apiVersion, kind and name).
 */
function isSealedSecret(v: unknown, place: Place): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  if (o.kind !== 'SealedSecret') return false;
  const bitnami = typeof o.apiVersion === 'string' && o.apiVersion.startsWith('bitnami.com/');
  if (place !== 'nested') return bitnami || o.apiVersion === undefined;
  return bitnami && (isObject(o.metadata) || isObject(o.spec));
}

function isObject(x: unknown): boolean {
  return !!x && typeof x === 'object' && !Array.isArray(x);
}

const MAX_DEPTH = 100;

/** Every SealedSecret in a document: the document itself, List items, whole objects nested in values. */
function sealedSecretsIn(root: unknown): { pointer: string; value: unknown }[] {
  const out: { pointer: string; value: unknown }[] = [];
  const visit = (node: unknown, pointer: string, place: Place, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > MAX_DEPTH) return;
    if (isSealedSecret(node, place)) {
      out.push({ pointer, value: node });
      return;
    }
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${pointer}/${i}`, 'nested', depth + 1));
    else {
      const o = node as Record<string, unknown>;
      const list = place === 'document' && typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items);
      // A CRD defines the kind; nothing inside it is an object of that kind.
      if (o.kind === 'CustomResourceDefinition') return;
      for (const [k, v] of Object.entries(o)) {
        const p = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
        if (list && k === 'items' && Array.isArray(v)) v.forEach((item, i) => visit(item, `${p}/${i}`, 'item', depth + 2));
        else visit(v, p, 'nested', depth + 1);
      }
    }
  };
  visit(root, '', 'document', 0);
  return out;
}

export const noSealedSecret: Rule = {
  meta: {
    id: 'no-sealed-secret',
    description: 'An object whose own kind is a Bitnami SealedSecret: on its own, inside a List or values (extraObjects), or rendered by a Helm template (never the CRD or objects that only name the kind).',
    remediation:
      'Store the secret in Vault and deliver it with an ExternalSecret (declare it in services.yaml so secretops generates one), then delete the SealedSecret.',
    defaultSeverity: 'error',
    docs: 'policies/no-sealed-secret/README.md',
    scope: 'file',
    interest: /SealedSecret/,
  },

  checkDocument(doc, _ctx, report) {
    // Templates are read by checkFile.
    if (doc.file.kind === 'helm-template') return;
    reportDocument(doc, report);
  },

  checkFile(file, _ctx, report) {
    if (file.kind !== 'helm-template' && file.kind !== 'text') return;
    if (!file.text.includes('SealedSecret')) return;
    checkTemplate(file, report);
  },
};

export default noSealedSecret;

function reportDocument(doc: ManifestDocument, report: (r: RuleReport) => void): void {
  for (const found of sealedSecretsIn(doc.value)) {
    if (found.pointer === '') {
      report({ pointer: '/kind', message: `${label(doc.object)} keeps an encrypted secret in Git; ${MESSAGE_TAIL}` });
      continue;
    }
    // Nested: a List item, or an object carried in values (`extraObjects`, `extraDeploy`).
    if (suppressedRules(found.value).has(noSealedSecret.meta.id)) continue;
    const ref = objectRef(found.value);
    const where = /^\/items\/\d+$/.test(found.pointer) ? `item ${found.pointer.slice(7)} of a List` : `nested at ${found.pointer}`;
    report({ pointer: `${found.pointer}/kind`, message: `${label(ref)} (${where}) keeps an encrypted secret in Git; ${MESSAGE_TAIL}`, ...(ref ? { object: ref } : {}) });
  }
}

/**
 * A Helm template is parsed with its actions neutralised (offsets kept), so a SealedSecret is
 * found by the same object test as in plain YAML; a document that still does not parse is read as
 * text, where only a top-level `kind: SealedSecret` line counts.
 */
function checkTemplate(file: ScanFile, report: (r: RuleReport) => void): void {
  const text = file.kind === 'helm-template' ? neutralizeTemplate(file.text) : file.text;
  const positions: Position[] = [];
  const yamlFile: ScanFile = { path: file.path, kind: 'yaml', text };
  for (const slice of splitDocuments(text)) {
    if (!slice.text.includes('SealedSecret')) continue;
    const doc = file.kind === 'helm-template' ? parseSlice(yamlFile, slice) : undefined;
    if (doc && !isParseProblem(doc)) {
      for (const found of sealedSecretsIn(doc.value)) {
        if (!suppressedRules(found.value).has(noSealedSecret.meta.id)) positions.push(doc.positionOf(`${found.pointer}/kind`, { key: true }));
      }
      continue;
    }
    const locate = lineLocator(slice.text, slice.startLine + 1);
    TEMPLATE_KIND.lastIndex = 0;
    for (let m = TEMPLATE_KIND.exec(slice.text); m; m = TEMPLATE_KIND.exec(slice.text)) positions.push(locate(m.index));
  }
  positions.forEach((position, i) => {
    // Numbered from the second on: a finding without a pointer is identified by its message.
    const which = i === 0 ? '' : ` (#${i + 1})`;
    report({ file, position, message: `Template ${file.path} renders a SealedSecret${which}; ${MESSAGE_TAIL}`, object: { kind: 'SealedSecret' } });
  });
}
