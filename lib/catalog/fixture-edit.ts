import { isMap, isScalar, Node as YamlNode, Pair, parseDocument, stringify, YAMLMap } from 'yaml';

/** One entry to add to a fixture file: `spec.paths[path][key]`. */
export interface FixtureEntryToAdd {
  readonly path: string;
  readonly key: string;
  /** The entry's flow-map text, e.g. `{ generate: deterministic }` or `{}`. */
  readonly spec: string;
}

/**
 * Adds entries to the text of a fixture file by inserting lines, never by re-rendering it: every
 * existing byte (entries, comments, quoting, indentation, line endings) stays as it was. New keys go
 * after the last key of their path's map, new paths after the last path, each indented like their
 * neighbours. Entries already present are left alone.
 */
export function insertFixtureEntries(text: string, additions: readonly FixtureEntryToAdd[]): string {
  const byPath = new Map<string, FixtureEntryToAdd[]>();
  for (const a of additions) byPath.set(a.path, [...(byPath.get(a.path) ?? []), a]);
  let out = text;
  for (const [path, list] of byPath) out = insertPath(out, path, list);
  return out;
}

function insertPath(text: string, path: string, list: readonly FixtureEntryToAdd[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const doc = parseDocument(text);
  const spec = doc.get('spec', true);
  if (!isMap(spec)) throw new Error('fixture file has no spec map');
  const pathsPair = pairOf(spec, 'paths');
  if (!pathsPair) throw new Error('fixture file has no spec.paths');
  const paths = pathsPair.value;
  const pathsKeyIndent = columnOf(text, (pathsPair.key as YamlNode).range![0]);
  const layout = indentation(text, paths, pathsKeyIndent);
  const missing = (existing: YAMLMap | undefined) => list.filter((a) => !existing || !pairOf(existing, a.key));
  const keyLines = (entries: readonly FixtureEntryToAdd[]) => entries.map((a) => `${' '.repeat(layout.key)}${scalar(a.key)}: ${a.spec}${eol}`).join('');

  if (isMap(paths) && !paths.flow && paths.items.length > 0) {
    const pair = pairOf(paths, path);
    if (!pair) return insertAfterLineOf(text, endOf(paths.items[paths.items.length - 1]!), `${' '.repeat(layout.path)}${scalar(path)}:${eol}${keyLines(list)}`, eol);
    const keys = pair.value;
    if (isMap(keys) && !keys.flow && keys.items.length > 0) {
      const todo = missing(keys);
      return todo.length === 0 ? text : insertAfterLineOf(text, endOf(keys.items[keys.items.length - 1]!), keyLines(todo), eol);
    }
    if (isMap(keys) && keys.flow && keys.items.length > 0) {
      // `dev/x: { A: {...} }`: stay in flow style, before the closing brace.
      const todo = missing(keys);
      const close = text.lastIndexOf('}', keys.range![1] - 1);
      return todo.length === 0 ? text : text.slice(0, close).replace(/\s*$/, '') + todo.map((a) => `, ${scalar(a.key)}: ${a.spec}`).join('') + ' ' + text.slice(close);
    }
    // `dev/x:` or `dev/x: {}`: drop the empty value and open a block map under the key.
    return openBlock(text, pair, keyLines(list), eol);
  }
  if (isMap(paths) && paths.flow && paths.items.length > 0) {
    throw new Error('spec.paths in flow style is not supported by scaffold; write it as a block map');
  }
  // `paths:` or `paths: {}`: open a block map of paths.
  return openBlock(text, pathsPair, `${' '.repeat(layout.path)}${scalar(path)}:${eol}${keyLines(list)}`, eol);
}

/** Replaces an empty value (`{}`, `null` or nothing) after `pair`'s key with a block of lines. */
function openBlock(text: string, pair: Pair, lines: string, eol: string): string {
  const value = pair.value as YamlNode | null;
  if (value?.range && value.range[1] > value.range[0]) {
    const before = text.slice(0, value.range[0]).replace(/[ \t]+$/, '');
    return insertAfterLineOf(before + text.slice(value.range[1]), before.length, lines, eol);
  }
  return insertAfterLineOf(text, (pair.key as YamlNode).range![1], lines, eol);
}

/** Inserts `lines` after the end of the line that holds `offset`. */
function insertAfterLineOf(text: string, offset: number, lines: string, eol: string): string {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text + eol + lines;
  return text.slice(0, nl + 1) + lines + text.slice(nl + 1);
}

/**
 * Where the text of a pair ends: the end of its last scalar or flow value. A block map's own range
 * runs on past its final line break (and trailing comments), so descend into its last pair.
 */
function endOf(pair: Pair): number {
  const v = pair.value as YamlNode | null;
  if (isMap(v) && !v.flow && v.items.length > 0) return endOf(v.items[v.items.length - 1]!);
  return v?.range ? v.range[1] : (pair.key as YamlNode).range![1];
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

/** How far paths and keys are indented: as in the file where it says, else one step of two. */
function indentation(text: string, paths: unknown, pathsKeyIndent: number): { path: number; key: number } {
  if (isMap(paths) && !paths.flow && paths.items.length > 0) {
    const first = paths.items[0]!;
    const path = columnOf(text, (first.key as YamlNode).range![0]);
    const block = paths.items.map((p) => p.value).find((v): v is YAMLMap => isMap(v) && !v.flow && v.items.length > 0);
    const key = block ? columnOf(text, (block.items[0]!.key as YamlNode).range![0]) : path + (path - pathsKeyIndent);
    return { path, key };
  }
  return { path: pathsKeyIndent + 2, key: pathsKeyIndent + 4 };
}

/** A key or path as a YAML scalar: plain where that reads back as the same string, quoted otherwise. */
function scalar(s: string): string {
  return stringify(s, { lineWidth: 0 }).trimEnd();
}
