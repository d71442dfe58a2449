import type { ObjectRef, Rule } from '../../lib/scan/types';
import { objectRef, suppressedRules } from '../../lib/scan/parse';
import { lineLocator } from '../helpers/detect/text-position';

/**
 * SealedSecrets put encrypted secrets in Git, bound to one controller key per cluster: rotation,
 * audit and environment parity all happen outside Vault. This platform keeps every secret in Vault
 * and delivers it with an ExternalSecret.
 */
const MESSAGE_TAIL = 'use an ExternalSecret backed by Vault instead';

/** `kind: SealedSecret` on its own line in a template (quoted or not, JSON style too). */
const TEMPLATE_KIND = /^[ \t]*(?:kind|"kind")[ \t]*:[ \t]*["']?SealedSecret["']?[ \t]*,?[ \t]*(?:#.*)?$/gm;

function label(ref: ObjectRef | undefined): string {
  if (!ref?.name) return 'SealedSecret (unnamed)';
  return `SealedSecret ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function isSealedSecret(v: unknown): boolean {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  // Any SealedSecret: the bitnami.com group, or no apiVersion at all (a fragment, a kustomize patch).
  return o.kind === 'SealedSecret' && (o.apiVersion === undefined || (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('bitnami.com/')));
}

const MAX_DEPTH = 100;

/** Every SealedSecret in a document: the document itself, List items, objects nested in values. */
function sealedSecretsIn(root: unknown): { pointer: string; value: unknown }[] {
  const out: { pointer: string; value: unknown }[] = [];
  const visit = (node: unknown, pointer: string, depth: number): void => {
    if (!node || typeof node !== 'object' || depth > MAX_DEPTH) return;
    if (isSealedSecret(node)) {
      out.push({ pointer, value: node });
      return;
    }
    if (Array.isArray(node)) node.forEach((v, i) => visit(v, `${pointer}/${i}`, depth + 1));
    else for (const [k, v] of Object.entries(node)) visit(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
  };
  visit(root, '', 0);
  return out;
}

export const noSealedSecret: Rule = {
  meta: {
    id: 'no-sealed-secret',
    description: 'A Bitnami SealedSecret: on its own, inside a List or values (extraObjects), or rendered by a Helm template.',
    remediation:
      'Store the secret in Vault and deliver it with an ExternalSecret (declare it in services.yaml so secretops generates one), then delete the SealedSecret.',
    defaultSeverity: 'error',
    docs: 'policies/no-sealed-secret/README.md',
    scope: 'file',
    interest: /SealedSecret/,
  },

  checkDocument(doc, _ctx, report) {
    // Templates are read as text by checkFile.
    if (doc.file.kind === 'helm-template') return;
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
  },

  checkFile(file, _ctx, report) {
    if (file.kind !== 'helm-template' && file.kind !== 'text') return;
    if (!file.text.includes('SealedSecret')) return;
    const locate = lineLocator(file.text);
    let n = 0;
    TEMPLATE_KIND.lastIndex = 0;
    for (let m = TEMPLATE_KIND.exec(file.text); m; m = TEMPLATE_KIND.exec(file.text)) {
      const position = locate(m.index + m[0].search(/\S/));
      // Numbered from the second on: a finding without a pointer is identified by its message.
      const which = ++n === 1 ? '' : ` (#${n})`;
      report({ file, position, message: `Template ${file.path} renders a SealedSecret${which}; ${MESSAGE_TAIL}`, object: { kind: 'SealedSecret' } });
    }
  },
};

export default noSealedSecret;
