import type { ObjectRef, Rule } from '../../lib/scan/types';
import { objectRef, suppressedRules } from '../../lib/scan/parse';
import { lineLocator } from '../../lib/scan/detect/text-position';

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

export const noSealedSecret: Rule = {
  meta: {
    id: 'no-sealed-secret',
    description: 'A Bitnami SealedSecret, on its own, inside a List, or rendered by a Helm template.',
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
    const v = doc.value;
    if (isSealedSecret(v)) {
      report({ pointer: '/kind', message: `${label(doc.object)} keeps an encrypted secret in Git; ${MESSAGE_TAIL}` });
      return;
    }
    const items = (v as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      if (!isSealedSecret(item) || suppressedRules(item).has(noSealedSecret.meta.id)) return;
      const ref = objectRef(item);
      report({ pointer: `/items/${i}/kind`, message: `${label(ref)} (item ${i} of a List) keeps an encrypted secret in Git; ${MESSAGE_TAIL}`, ...(ref ? { object: ref } : {}) });
    });
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
