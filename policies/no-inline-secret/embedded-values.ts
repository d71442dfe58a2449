import { parse as parseYaml } from 'yaml';
import type { RuleReport } from '../../lib/scan/types';
import { neutralizeTemplate } from '../../lib/scan/detect/helm-template';
import { Inspection, type Owner } from './inspection';
import { walkObject } from './walk';

/**
 * A YAML or JSON document held in a string (Argo CD `helm.values`, k3s `valuesContent`, a config
 * file in a Secret): parsed and walked like Helm values, its findings folded into one at the
 * string's pointer (a finding's identity is its pointer, and the string is one node). Returns
 * whether anything was found. Text that is not YAML is left to the token walk.
 */
export function checkEmbeddedValues(text: string, pointer: string, label: string, owner: Owner, s: Inspection): boolean {
  let parsed: unknown;
  try {
    parsed = parseYaml(neutralizeTemplate(text), { maxAliasCount: 100, uniqueKeys: false, prettyErrors: false });
  } catch {
    return false;
  }
  if (!parsed || typeof parsed !== 'object') return false;
  const inner: RuleReport[] = [];
  const sub = new Inspection(s.doc, s.ctx, (r) => inner.push(r));
  walkObject(parsed, '', { owner, valuesRoots: new Map([['', label]]) }, sub);
  for (const a of sub.anchors) s.anchors.add(a);
  if (inner.length === 0) return false;
  const more = inner.length > 1 ? ` (and ${inner.length - 1} more in the same text)` : '';
  s.report(pointer, `${inner[0]!.message}${more}`, owner.ref, { key: true });
  return true;
}
