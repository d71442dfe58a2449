import { Type } from 'js-yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { pointerSegments, yamlLibrary, yamlNodeAt } from '../yaml-source';

/**
 * YAML 1.1 merge keys (`<<: *defaults`, `<<: [*a, *b]`) resolved as Kubernetes tooling resolves
 * them, so a literal pulled into `stringData` through a merge is seen by every rule.
 *
 * kubectl, Helm 3 and Argo CD read manifests with sigs.k8s.io/yaml, which decodes with goyaml.v2
 * (https://github.com/kubernetes-sigs/yaml, `yaml.go` and `goyaml.v2/decode.go`, `d.merge`): a
 * mapping's entries are applied in document order, each overwriting what is there, so a merge
 * overrides an explicit key written before it and the later of two `<<` keys wins; in a sequence
 * of merges earlier maps take precedence (decode.go steps backwards through it); only a plain
 * `<<` is a merge key (a quoted "<<" is an ordinary key). kustomize (kyaml, on goyaml.v3) differs
 * in those two cases: explicit keys always win and a repeated `<<` is an error ("duplicate merge
 * key"; see https://github.com/go-yaml/yaml/issues/81 for the v2 behaviour). Checked here with
 * `kubectl label --local -o json` and `kubectl kustomize` (kubectl 1.32). The value the rules see
 * is kubectl's; the two cases where the tools disagree are reported as conflicts, so a value
 * cannot hide behind the reading one tool does not apply.
 *
 * js-yaml's own merge support follows kustomize's reading and cannot tell those cases apart, so the
 * manifest schema resolves a plain `<<` key to a unique marker (this type) and `resolveMergeKeys`
 * merges afterwards. Object key order is document order except for integer-like keys, which
 * JavaScript enumerates first: a merge that conflicts with an integer-like key is still reported.
 */

const MARKER = '\u0000<<\u0000';
let counter = 0;

/** js-yaml type: a plain `<<` scalar becomes a unique marker string (keys stay distinct). */
export const MERGE_KEY_TYPE = new Type('tag:secretops.dev,2026:merge-key', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<',
  construct: () => `${MARKER}${counter++}`,
});

function isMarker(x: unknown): x is string {
  return typeof x === 'string' && x.startsWith(MARKER);
}

export interface MergeConflict {
  /** JSON pointer of the key whose value the tools read differently (or of the mapping). */
  readonly pointer: string;
  readonly reason: 'merge-overrides-explicit' | 'repeated-merge-key' | 'not-a-mapping';
}

/** Cheap test on raw text: without `<<` there is nothing to resolve. */
export function mayHaveMergeKeys(text: string): boolean {
  return text.includes('<<');
}

/**
 * The document as kubectl reads it, and the places where kubectl and kustomize disagree. Shared
 * objects (aliases) are resolved once, so an alias-heavy document stays linear.
 */
export function resolveMergeKeys(root: unknown, budget = Infinity): { value: unknown; conflicts: MergeConflict[]; exceeded: boolean } {
  const memo = new Map<object, unknown>();
  const conflicts: MergeConflict[] = [];
  // Each merge copies its sources' entries: many merges of one large anchor are an alias bomb in
  // another form, so the copies are counted and the resolution stops at `budget`.
  let copies = 0;
  let exceeded = false;
  const resolve = (node: unknown, pointer: string): unknown => {
    if (isMarker(node)) return '<<'; // a `<<` value, not a key
    if (!node || typeof node !== 'object' || exceeded) return node;
    const done = memo.get(node);
    if (done !== undefined) return done;
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      memo.set(node, out);
      node.forEach((x, i) => out.push(resolve(x, `${pointer}/${i}`)));
      return out;
    }
    const out: Record<string, unknown> = {};
    memo.set(node, out);
    /** Who set each key: 'explicit', or the merge key (its marker) that did. */
    const setBy = new Map<string, string>();
    for (const [key, raw] of Object.entries(node as Record<string, unknown>)) {
      if (!isMarker(key)) {
        setKey(out, key, resolve(raw, `${pointer}/${escape(key)}`));
        setBy.set(key, 'explicit');
        continue;
      }
      const source = resolve(raw, pointer);
      const maps = Array.isArray(source) ? [...source].reverse() : [source];
      for (const m of maps) {
        if (!m || typeof m !== 'object' || Array.isArray(m)) {
          // goyaml.v2: "map merge requires map or sequence of maps as the value"; kubectl rejects it.
          conflicts.push({ pointer, reason: 'not-a-mapping' });
          continue;
        }
        for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
          if (++copies > budget) {
            exceeded = true;
            return out;
          }
          const before = setBy.get(k);
          if (before !== undefined && before !== key && out[k] !== v) {
            conflicts.push({ pointer: `${pointer}/${escape(k)}`, reason: before === 'explicit' ? 'merge-overrides-explicit' : 'repeated-merge-key' });
          }
          setKey(out, k, v);
          setBy.set(k, key);
        }
      }
    }
    return out;
  };
  const value = resolve(root, '');
  return { value, conflicts, exceeded };
}

/** `__proto__` is a key like any other in YAML (as js-yaml keeps it): never the prototype. */
function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Fixed descriptions (parse problems never quote the source). */
export function conflictMessage(c: MergeConflict): string {
  if (c.reason === 'not-a-mapping') return 'a merge key (<<) whose value is not a mapping or a list of mappings';
  if (c.reason === 'repeated-merge-key') return 'a mapping with more than one merge key (<<) setting the same key: kubectl applies the later, kustomize rejects the document';
  return 'a merge key (<<) overrides a key written before it: kubectl applies the merged value, kustomize the explicit one';
}

/**
 * Where a conflict is shown: the explicit key a merge overrides (the mapping holds it), else the
 * key of the mapping whose merge keys disagree. Offset in `text`.
 */
export function conflictOffset(text: string, c: MergeConflict): number {
  const { parseDocument } = yamlLibrary();
  const contents = parseDocument(text, { prettyErrors: false, strict: false, logLevel: 'silent' }).contents as YamlNode | null;
  return yamlNodeAt(contents, c.pointer, true)?.range?.[0] ?? 0;
}

/**
 * The node a pointer names in a `yaml` syntax tree, following merge keys the way
 * `resolveMergeKeys` reads them: an explicit key of the mapping is only the answer when no later
 * merge overrides it, so a finding points at the text whose value is applied.
 */
export function mergeAwareNodeAt(doc: Document, pointer: string, key: boolean): YamlNode | undefined {
  const { isAlias, isMap, isPair, isScalar, isSeq } = yamlLibrary();
  let node: unknown = doc.contents;
  let keyNode: unknown;
  const deref = (n: unknown): unknown => (isAlias(n) ? n.resolve(doc) : n);
  for (const seg of pointerSegments(pointer)) {
    node = deref(node);
    if (isMap(node)) {
      const hit = findInMap(node, seg, deref, { isMap, isPair, isScalar, isSeq });
      if (!hit) break;
      keyNode = hit.key;
      node = hit.value;
    } else if (isSeq(node)) {
      const idx = Number(seg);
      if (!Number.isInteger(idx) || idx < 0 || idx >= node.items.length) break;
      keyNode = undefined;
      node = node.items[idx];
    } else break;
  }
  return ((key && keyNode ? keyNode : node ?? keyNode) as YamlNode | undefined) ?? undefined;
}

type Guards = Pick<ReturnType<typeof yamlLibrary>, 'isMap' | 'isPair' | 'isScalar' | 'isSeq'>;

/** The pair applied for `seg` in a mapping: the last writer in document order, merges included. */
function findInMap(map: unknown, seg: string, deref: (n: unknown) => unknown, g: Guards, depth = 0): { key: unknown; value: unknown } | undefined {
  if (!g.isMap(map) || depth > 20) return undefined;
  let found: { key: unknown; value: unknown } | undefined;
  for (const p of map.items) {
    if (!g.isPair(p) || !g.isScalar(p.key)) continue;
    const isMerge = p.key.value === '<<' && p.key.type === 'PLAIN';
    if (!isMerge) {
      if (String(p.key.value) === seg) found = { key: p.key, value: p.value };
      continue;
    }
    const source = deref(p.value);
    const sources = g.isSeq(source) ? source.items.map(deref) : [source];
    // Earlier maps of a sequence take precedence.
    for (const m of sources) {
      const hit = findInMap(m, seg, deref, g, depth + 1);
      if (hit) {
        found = hit;
        break;
      }
    }
  }
  return found;
}
