import { loadEmbeddedYaml } from '../../lib/scan/parse';
import type { RuleReport } from '../../lib/scan/types';
import { neutralizeTemplate } from '../helpers/detect/helm-template';
import { Inspection, type Owner } from './inspection';
import { walkObject } from './walk';

/**
 * Documents held in strings (Argo CD `helm.values`, k3s `valuesContent`, a config file in a
 * Secret, a kustomize inline patch) are inspected on their own, and their findings folded into one
 * at the string's pointer: a finding's identity is its pointer, and the string is one node.
 */

/**
 * Parses YAML (or JSON) text with template actions neutralised, as manifests are parsed (merge
 * keys honoured: a literal merged in is a literal); undefined when it is not YAML.
 */
export function parseEmbedded(text: string): unknown {
  return loadEmbeddedYaml(neutralizeTemplate(text));
}

/**
 * Runs `inspect` against a scratch inspection and reports what it found as one finding at
 * `pointer` (`prefix`, the first message, and how many more). Returns whether anything was found.
 */
export function foldInto(s: Inspection, pointer: string, owner: Owner, inspect: (sub: Inspection) => void, prefix = ''): boolean {
  const inner: RuleReport[] = [];
  const sub = new Inspection(s.doc, s.ctx, (r) => inner.push(r));
  inspect(sub);
  for (const a of sub.anchors) s.anchors.add(a);
  if (inner.length === 0) return false;
  const more = inner.length > 1 ? ` (and ${inner.length - 1} more in the same text)` : '';
  s.report(pointer, `${prefix}${inner[0]!.message}${more}`, owner.ref, { key: true });
  return true;
}

/** A values-like document in a string: credential-like keys with literals, as in Helm values. */
export function checkEmbeddedValues(text: string, pointer: string, label: string, owner: Owner, s: Inspection): boolean {
  const parsed = parseEmbedded(text);
  if (!parsed || typeof parsed !== 'object') return false;
  return foldInto(s, pointer, owner, (sub) => walkObject(parsed, '', { owner, valuesRoots: new Map([['', label]]) }, sub));
}
