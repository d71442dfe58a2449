import { pointerOf } from '../../../lib/yaml-source';
import type { ManifestDocument } from '../../../lib/scan/types';

/**
 * Plain-JS views of Kubernetes objects inside scanned documents, for the cross-object rules. A
 * document is one object, or a `List` whose items are objects; each view keeps the JSON pointer of
 * its object so findings land on the right line.
 */
export type Json = Record<string, unknown>;

export interface KubeObject {
  readonly doc: ManifestDocument;
  /** Pointer of the object within the document: `` for the document, `/items/3` inside a List. */
  readonly at: string;
  readonly value: Json;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export function isJson(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** `a.b.c` lookup on plain JSON; undefined on any missing step. */
export function dig(v: unknown, ...path: (string | number)[]): unknown {
  let cur = v;
  for (const p of path) {
    if (typeof p === 'number') cur = Array.isArray(cur) ? cur[p] : undefined;
    else cur = isJson(cur) ? cur[p] : undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Joins a base pointer and segments (escaped). */
export function ptr(base: string, ...segments: (string | number)[]): string {
  return base + pointerOf(segments);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isJson(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function toObject(doc: ManifestDocument, at: string, v: unknown): KubeObject | undefined {
  if (!isJson(v) || typeof v.kind !== 'string') return undefined;
  const meta = isJson(v.metadata) ? v.metadata : {};
  return {
    doc,
    at,
    value: v,
    apiVersion: typeof v.apiVersion === 'string' ? v.apiVersion : '',
    kind: v.kind,
    ...(str(meta.name) ? { name: meta.name as string } : {}),
    ...(str(meta.namespace) ? { namespace: meta.namespace as string } : {}),
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
  };
}

/** The Kubernetes objects of one document (a `*List` contributes its items). */
export function objectsOf(doc: ManifestDocument): KubeObject[] {
  const top = toObject(doc, '', doc.value);
  if (!top) return [];
  if (/List$/.test(top.kind) && Array.isArray(top.value.items)) {
    return top.value.items.map((item, i) => toObject(doc, `/items/${i}`, item)).filter((o): o is KubeObject => o !== undefined);
  }
  return [top];
}

/** Every object of every document, in scan order. */
export function allObjects(docs: readonly ManifestDocument[]): KubeObject[] {
  return docs.flatMap(objectsOf);
}

/** What a finding says the object is (the List item, not the List). */
export function refOf(o: KubeObject): { apiVersion?: string; kind: string; name?: string; namespace?: string } {
  return { ...(o.apiVersion ? { apiVersion: o.apiVersion } : {}), kind: o.kind, ...(o.name ? { name: o.name } : {}), ...(o.namespace ? { namespace: o.namespace } : {}) };
}

/** `ns/name`, or `name` without a namespace: how messages name an object. */
export function displayName(name: string, namespace?: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Helm/Go templating or an env placeholder: a name the scanner cannot know statically. */
export function isTemplated(s: string): boolean {
  return /\{\{|\$\{|\$\(/.test(s);
}

/**
 * Same namespace, leniently: an object without a namespace is applied wherever its tool (Argo CD,
 * kustomize, Helm) puts it, so it matches any namespace rather than producing a false finding.
 */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** Calls `fn` for every string (keys excluded) under `v`, with its pointer; bounded depth. */
export function walkStrings(v: unknown, at: string, fn: (s: string, at: string) => void, depth = 0): void {
  if (depth > 64) return;
  if (typeof v === 'string') fn(v, at);
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, ptr(at, i), fn, depth + 1));
  else if (isJson(v)) for (const [k, x] of Object.entries(v)) walkStrings(x, ptr(at, k), fn, depth + 1);
}

/** How far into a document its `kind: CustomResourceDefinition` is looked for. */
const CRD_KIND_WITHIN = 2000;

/**
 * A rule `interest` that passes over CustomResourceDefinitions: their schemas name every field
 * (`secretKeyRef`, `kind`, `existingSecret`...) without using any, and they are the largest
 * documents of most repositories, so matching them would parse (and keep) them for nothing.
 */
export function interestOutsideCrds(pattern: RegExp): RegExp {
  return new InterestOutsideCrds(pattern);
}

/**
 * The pattern `^(?!CRD kind within the first lines)[\s\S]*?(?:pattern)`, as its `source` says and
 * `exec` matches; `test` (what the scan runs on every document) gives the same answer in two
 * cheaper steps. The lookahead and the lazy prefix made the one regular expression anchored, which
 * keeps the engine from skipping ahead to where the pattern can start: six rules ran it on every
 * document (a tenth of a large scan in these interest tests). Here the CRD look runs only when the
 * text holds `CustomResourceDefinition` at all (in the pattern's case sensitivity), and the pattern
 * unanchored: half the time of the six over the corpus.
 */
class InterestOutsideCrds extends RegExp {
  private readonly crd: RegExp;
  private readonly inner: RegExp;
  /** What the CRD look cannot match without (in the pattern's case sensitivity). */
  private readonly crdHint: RegExp | undefined;

  constructor(pattern: RegExp) {
    // A CRD's top-level kind comes within its first lines; bounding the look keeps the test cheap.
    const crd = `[\\s\\S]{0,${CRD_KIND_WITHIN}}?\\bkind"?\\s*:\\s*["']?CustomResourceDefinition\\b`;
    const flags = pattern.flags.replace(/[gmy]/g, '');
    super(`^(?!${crd})[\\s\\S]*?(?:${pattern.source})`, flags);
    this.crd = new RegExp(`^${crd}`, flags);
    this.inner = new RegExp(pattern.source, flags);
    this.crdHint = flags.includes('i') ? /CustomResourceDefinition/i : undefined;
  }

  override test(text: string): boolean {
    const maybeCrd = this.crdHint ? this.crdHint.test(text) : text.includes('CustomResourceDefinition');
    if (maybeCrd && this.crd.test(text)) return false;
    return this.inner.test(text);
  }
}
