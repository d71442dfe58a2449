import { CORE_SCHEMA, load, Type, YAMLException } from 'js-yaml';
import type { Node as YamlNode } from 'yaml';
import { yamlLibrary, yamlNodeAt } from '../yaml-source';
import { blockNodeOffset } from './block-position';
import { jsonNodeOffset } from './json-position';
import { loadBlockYaml, outlineBlockYaml, type DocumentOutline } from './block-outline';
import { conflictMessage, conflictOffset, MERGE_KEY_TYPE, mergeAwareNodeAt, mayHaveMergeKeys, resolveMergeKeys, type MergeConflict } from './merge-keys';
import { Annotations } from '../constructs/metadata';
import type { FileKind, ManifestDocument, ObjectRef, ParseProblem, Position, ScanFile } from './types';

/**
 * Turns a file's text into documents for the rules. Documents are split on `---` lines first, so a
 * caller can decide from each slice's raw text whether it is worth parsing at all (the fast path),
 * and a broken document does not hide the healthy ones around it.
 */

/** Alias expansion bound: an alias bomb becomes a parse error, not an out-of-memory. */
export const MAX_ALIAS_COUNT = 100;

export interface DocumentSlice {
  readonly text: string;
  /** 0-based line of the slice's first line within the file. */
  readonly startLine: number;
  readonly index: number;
}

export type { ParseProblem };

/** What kind of file a path is, or undefined when the scanner does not read it. */
export function classifyFile(path: string, text?: string): FileKind | undefined {
  const p = path.replace(/\\/g, '/');
  if (/\.(ya?ml)$/i.test(p) || /\.ya?ml\.(gotmpl|j2|tpl)$/i.test(p)) {
    if (/(^|\/)templates\//.test(p) || /\.(gotmpl|j2|tpl)$/i.test(p)) return 'helm-template';
    if (text !== undefined && isTemplateText(text)) return 'helm-template';
    return 'yaml';
  }
  if (/\.json$/i.test(p)) return 'json';
  if (/\.tpl$/i.test(p)) return 'helm-template';
  return undefined;
}

/**
 * Go templates (`{{ ... }}` actions) and Jinja/Liquid statements (`{% raw %}`) make a file a
 * template: read as text by file-level rules, not parsed as YAML it is not.
 */
export function isTemplateText(text: string): boolean {
  return (/\{\{[-\s]/.test(text) && /\{\{.*\}\}/.test(text)) || (text.includes('{%') && /^[ \t]*\{%-?\s*\w/m.test(text));
}

/**
 * How the scanner reads a file: its kind and the text its rules see (same length, same offsets).
 * A YAML file that looks like a template but is not one is read as YAML:
 * - `{% raw %}` / `{% endraw %}` lines (documentation sites wrap snippets in them so Jinja leaves
 *   the content alone) are blanked: inside them nothing is templated;
 * - `{{ ... }}` actions that all sit inside string values are data for the tool that reads the
 *   object (ExternalSecret `target.template`, webhook URLs, ApplicationSet parameters), not Helm
 *   templating: the file is a manifest, and every document rule must see its objects.
 * Anything else `isTemplateText` matches stays a template (read as text around its actions).
 */
export function readFileAs(path: string, text: string): { kind: FileKind; text: string; outlines?: readonly (DocumentOutline | undefined)[] } | undefined {
  const kind = classifyFile(path, text);
  if (kind !== 'helm-template' || classifyFile(path) !== 'yaml') return kind ? { kind, text } : undefined;
  const bare = text.replace(JINJA_RAW_LINE, (line) => ' '.repeat(line.length));
  if (bare.includes('{%') || bare.includes('{#')) return { kind, text };
  const outlines = literalActionsOnly(bare);
  // The outlines of its documents come along: the scan would make them again.
  return outlines ? { kind: 'yaml', text: bare, outlines } : { kind, text };
}

/** The text `readFileAs` gives a file it read as `kind` (known from an earlier read of the same bytes). */
export function textAs(kind: FileKind, text: string): string {
  return kind === 'yaml' && text.includes('{%') ? text.replace(JINJA_RAW_LINE, (line) => ' '.repeat(line.length)) : text;
}

/** A line holding only a Jinja/Liquid `raw` or `endraw` tag. */
const JINJA_RAW_LINE = /^[ \t]*\{%-?\s*(?:end)?raw\s*-?%\}[ \t]*$/gm;

/**
 * True when every document parses and every `{{` of the text is inside a string it parses to, or
 * on a comment line (`# password: "{{ .x }}"`, documentation's alternative spelling). Returns
 * the block-YAML outline of each document (`splitDocuments` order) then, false otherwise.
 */
function literalActionsOnly(text: string): (DocumentOutline | undefined)[] | false {
  const actions = countOf(text, '{{');
  const outsideComments = countOf(text.replace(/^[ \t]*#.*$/gm, ''), '{{');
  let inStrings = 0;
  const outlines: (DocumentOutline | undefined)[] = [];
  for (const slice of splitDocuments(text)) {
    // Plain block YAML needs no parse: outside its comments every `{{` is in a key or a string.
    const outline = outlineBlockYaml(slice.text);
    outlines.push(outline);
    if (outline && !outline.encoded) {
      inStrings += countOf(slice.text, '{{') - outline.actionsInComments;
      continue;
    }
    let value: unknown;
    try {
      // Duplicate keys are tolerated here as parseSlice tolerates them (and reports them).
      value = load(slice.text, { schema: MANIFEST_SCHEMA, json: true });
    } catch {
      return false;
    }
    if (MAY_HAVE_ALIAS.test(slice.text) && exceedsNodeBudget(value, slice.text.length + ALIAS_NODE_ALLOWANCE)) return false;
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v === 'string') inStrings += countOf(v, '{{');
      else if (Array.isArray(v)) stack.push(...v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push(k, x);
    }
  }
  // A flow mapping made of braces (`{{- if .x }}` on its own line) or a trailing comment leaves
  // fewer in strings. A `#` line inside a block scalar is a string: hence the range, not equality.
  return inStrings >= outsideComments && inStrings <= actions && outlines;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Splits YAML text on document markers (`---` at column 0), keeping line offsets. */
export function splitDocuments(text: string): DocumentSlice[] {
  const out: DocumentSlice[] = [];
  // Scans for marker lines instead of splitting into lines: large files make no garbage per line.
  // Lines end at `\n` only (a lone `\r` would end one for `^` with the m flag).
  const marker = /(?<![^\n])(---|\.\.\.)([^\n]*)/g;
  let lineOffset = 0;
  let lineNumber = 0;
  const lineOf = (offset: number): number => {
    for (let i = text.indexOf('\n', lineOffset); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      lineNumber++;
      lineOffset = i + 1;
    }
    return lineNumber;
  };
  let start = 0;
  let startLine = 0;
  let prefix = '';
  const flush = (end: number) => {
    const body = prefix + text.slice(start, end);
    // Only comments and blank lines: no document.
    if (/^[ \t]*[^#\s]/m.test(body)) out.push({ text: body, startLine, index: out.length });
  };
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    const rest = m[2]!;
    if (m[1] === '---' ? !/^(\s|$)/.test(rest) : rest.trim() !== '') continue;
    const line = lineOf(m.index);
    flush(Math.max(start, m.index - 1));
    const inline = rest.trim();
    if (m[1] === '---' && inline && !inline.startsWith('#')) {
      // `--- {a: 1}` or `--- !tag`: the document starts on this very line.
      prefix = '   ';
      start = m.index + 3;
      startLine = line;
    } else {
      prefix = '';
      start = Math.min(text.length, m.index + m[0].length + 1);
      startLine = line + 1;
    }
  }
  flush(text.length);
  return out;
}

/**
 * Parses one slice into a ManifestDocument, or a ParseProblem with its file position.
 *
 * Values come from js-yaml (several times faster than a position-keeping parse, which matters
 * on large repositories); the `yaml` syntax tree that maps a pointer to a line and column is built
 * only when a finding asks for a position. JSON files go through the same path (JSON is YAML).
 */
export function parseSlice(file: ScanFile, slice: DocumentSlice, known?: { readonly outline: DocumentOutline | undefined }): ManifestDocument | ParseProblem {
  // Plain block YAML is built by the outline's reader, faster than js-yaml and to the same value;
  // it holds no anchor, alias or merge key, so there is nothing to expand. A document whose
  // outline was refused already goes straight to js-yaml.
  const built = known && !known.outline ? undefined : loadBlockYaml(slice.text);
  if (built) return manifestDocument(file, slice, built.value);
  let value: unknown;
  let problem: ParseProblem | undefined;
  try {
    value = load(slice.text, { schema: MANIFEST_SCHEMA, json: false });
  } catch (e) {
    const failed = loadProblem(e, slice);
    // A duplicate key is invalid YAML (parse-error reports it), but kubectl, Helm and Argo CD apply
    // the document with the later key winning: the rules must see what would be applied, or one
    // repeated key would hide a Secret from every check.
    if (!(e instanceof YAMLException) || !/duplicat/i.test(e.reason ?? '')) return failed;
    try {
      value = load(slice.text, { schema: MANIFEST_SCHEMA, json: true });
    } catch {
      return failed;
    }
    problem = failed;
  }
  const bounded = mergedWithinBudget(value, slice.text);
  if (!bounded) return { message: 'too many alias expansions (possible alias bomb)', line: slice.startLine + 1, column: 1 };
  const conflict = bounded.conflicts[0];
  if (conflict && !problem) problem = { message: conflictMessage(conflict), ...offsetPosition(slice.text, conflictOffset(slice.text, conflict), slice.startLine) };
  return manifestDocument(file, slice, bounded.value, problem);
}

/** A parsed document as rules see it. */
function manifestDocument(file: ScanFile, slice: DocumentSlice, value: unknown, problem?: ParseProblem): ManifestDocument {
  return { file, index: slice.index, text: slice.text, value, object: objectRef(value), positionOf: slicePositions(slice), suppressed: suppressedRules(value), ...(problem ? { problem } : {}) };
}

/**
 * The value of YAML (or JSON) text held in a string (Helm values in an Application, a config file
 * in a Secret, a kustomize inline patch), read as manifests are read: duplicate keys with the later
 * one winning and merge keys as kubectl (and Helm, through the same library) read them; undefined
 * when it is not YAML or expands too many aliases. js-yaml, already loaded, rather than `yaml`,
 * whose loading cost more than the rest of a small scan.
 */
export function loadEmbeddedYaml(text: string): unknown {
  let value: unknown;
  try {
    value = load(text, { schema: MANIFEST_SCHEMA, json: true });
  } catch {
    return undefined;
  }
  return mergedWithinBudget(value, text)?.value;
}

/**
 * A loaded value with its merge keys resolved as kubectl reads them (lib/scan/merge-keys.ts; where
 * kustomize would read a mapping differently, a conflict the caller may report), or undefined when
 * it expands too many aliases: aliases share objects, so a few lines can stand for billions of
 * nodes and any rule walking the value would hang. Only a text with anchors can have aliases.
 */
function mergedWithinBudget(value: unknown, text: string): { value: unknown; conflicts: readonly MergeConflict[] } | undefined {
  const budget = text.length + ALIAS_NODE_ALLOWANCE;
  const merges = mayHaveMergeKeys(text) ? resolveMergeKeys(value, budget) : undefined;
  if (merges?.exceeded) return undefined;
  const merged = merges ? merges.value : value;
  if (MAY_HAVE_ALIAS.test(text) && exceedsNodeBudget(merged, budget)) return undefined;
  return { value: merged, conflicts: merges?.conflicts ?? [] };
}

/**
 * `positionOf` of a slice's document. The syntax tree is large; it is built only when a finding
 * needs a position and both the block-YAML line reader and the JSON reader give up.
 */
export function slicePositions(slice: DocumentSlice): (pointer: string, opts?: { key?: boolean }) => Position {
  let tree: ((pointer: string, key: boolean) => number) | undefined;
  return (pointer, opts = {}) => {
    const key = opts.key ?? false;
    const offset = (tree ? undefined : (blockNodeOffset(slice.text, pointer, key) ?? (JSON_START.test(slice.text) ? jsonNodeOffset(slice.text, pointer, key) : undefined))) ?? (tree ??= syntaxTreeLocator(slice.text))(pointer, key);
    return offsetPosition(slice.text, offset, slice.startLine);
  };
}

/** The documents of a file's text as the scanner splits them (a JSON file is one document). */
export function slicesOf(file: Pick<ScanFile, 'kind' | 'text'>): DocumentSlice[] {
  return file.kind === 'json' ? [{ text: file.text, startLine: 0, index: 0 }] : splitDocuments(file.text);
}

function loadProblem(e: unknown, slice: DocumentSlice): ParseProblem {
  if (e instanceof YAMLException) {
    const mark = e.mark as { line?: number; column?: number; position?: number } | undefined;
    // js-yaml also breaks lines at a lone `\r`; keep the position inside the slice as we count it.
    const lastLine = slice.text.split('\n').length - 1;
    const line = Math.min(mark?.line ?? 0, lastLine);
    // Its line and column can be off inside flow collections (a duplicate key of `{:,!t }` is
    // marked at column -4 of a line past the text): then the offset it gives is counted instead.
    if ((mark?.column ?? 0) < 0 && typeof mark?.position === 'number') {
      return { message: syntaxMessage(e.reason), ...offsetPosition(slice.text, Math.min(Math.max(mark.position, 0), slice.text.length), slice.startLine) };
    }
    return { message: syntaxMessage(e.reason), line: slice.startLine + line + 1, column: (mark?.column ?? 0) + 1 };
  }
  // The parser recurses: pathological nesting can exhaust the stack.
  return { message: e instanceof RangeError ? 'nested too deeply' : 'cannot be parsed', line: slice.startLine + 1, column: 1 };
}

/**
 * Offsets of the nodes pointers name, from the position-keeping `yaml` syntax tree of `text` (built
 * once, on the first call): the reference `blockNodeOffset` agrees with.
 */
export function syntaxTreeLocator(text: string): (pointer: string, key: boolean) => number {
  const { parseDocument } = yamlLibrary();
  const doc = parseDocument(text, { prettyErrors: false, strict: false, logLevel: 'silent' });
  if (mayHaveMergeKeys(text)) return (pointer, key) => mergeAwareNodeAt(doc, pointer, key)?.range?.[0] ?? 0;
  const contents = doc.contents as YamlNode | null;
  return (pointer, key) => yamlNodeAt(contents, pointer, key)?.range?.[0] ?? 0;
}

/** 1-based line and column of an offset in a slice, as yaml's LineCounter counts them, in file lines. */
function offsetPosition(text: string, offset: number, startLine: number): Position {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return { line: line + startLine, column: offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1 };
}

/**
 * YAML 1.2 core types plus merge keys (`<<`), which Kubernetes' YAML 1.1 parser honours; no
 * timestamps. A `<<` key becomes a marker that `resolveMergeKeys` merges as kubectl does.
 */
const MANIFEST_SCHEMA = CORE_SCHEMA.extend({
  implicit: [MERGE_KEY_TYPE],
  // Application-specific local tags (`!env_var`, `!reference`) are valid YAML: keep their content.
  explicit: (['scalar', 'sequence', 'mapping'] as const).map((kind) => new Type('!', { kind, multi: true, construct: (data: unknown) => data })),
});

/** A document that may be JSON: its first character opens an object or an array. */
const JSON_START = /^\s*[{[]/;

/** An alias (`*name` where a node may start); without one no value is shared. */
const MAY_HAVE_ALIAS = /(^|[\s[{,:-])\*[^\s,[\]{}*]/;

/** Nodes an alias-expanded document may have beyond one per character of its text. */
const ALIAS_NODE_ALLOWANCE = MAX_ALIAS_COUNT * 100;

/** Counts nodes as a walker expanding every alias would see them, stopping at `budget`. */
function exceedsNodeBudget(value: unknown, budget: number): boolean {
  let seen = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (++seen > budget) return true;
    if (v && typeof v === 'object') {
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k in v) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return false;
}

export function isParseProblem(x: ManifestDocument | ParseProblem): x is ParseProblem {
  return (x as ParseProblem).message !== undefined && (x as ManifestDocument).file === undefined;
}

/** Parses every document of a file (no fast path): for tests and for files a rule needs whole. */
export function parseFile(file: ScanFile): { docs: ManifestDocument[]; problems: ParseProblem[] } {
  const docs: ManifestDocument[] = [];
  const problems: ParseProblem[] = [];
  for (const s of slicesOf(file)) {
    const r = parseSlice(file, s);
    if (isParseProblem(r)) problems.push(r);
    else {
      if (r.problem) problems.push(r.problem);
      docs.push(r);
    }
  }
  return { docs, problems };
}

/** apiVersion, kind, metadata.name and metadata.namespace when the value looks like a Kubernetes object. */
export function objectRef(value: unknown): ObjectRef | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.kind !== 'string') return undefined;
  const meta = (v.metadata && typeof v.metadata === 'object' ? v.metadata : {}) as Record<string, unknown>;
  return {
    ...(typeof v.apiVersion === 'string' ? { apiVersion: v.apiVersion } : {}),
    kind: v.kind,
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
  };
}

/**
 * Rules named by `secretops.dev/ignore: <rule>[,<rule>] -- <reason>`. Without a reason the
 * annotation does not count: exceptions must say why.
 */
export function suppressedRules(value: unknown): ReadonlySet<string> {
  const raw = parseIgnoreAnnotation(annotationOf(value, Annotations.ignore));
  return new Set(raw?.reason ? raw.rules : []);
}

export function parseIgnoreAnnotation(text: string | undefined): { rules: string[]; reason: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*(?:--\s*(.*))?$/s.exec(text);
  if (!m) return undefined;
  return { rules: m[1]!.split(',').map((r) => r.trim()), reason: (m[2] ?? '').trim() };
}

function annotationOf(value: unknown, name: string): string | undefined {
  const meta = (value as { metadata?: { annotations?: Record<string, unknown> } } | null)?.metadata;
  const a = meta?.annotations?.[name];
  return typeof a === 'string' ? a : undefined;
}

/**
 * The parser's reason without anything it quotes (tag and alias names, characters): the source
 * it would quote may be a secret.
 */
function syntaxMessage(reason: string | undefined): string {
  const clean = (reason ?? 'syntax error')
    .replace(/"[^"]*"|'[^']*'|<[^>]*>|![^\s,]*|\([^)]*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (/duplicat/i.test(clean)) return 'duplicate key in a mapping';
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean || 'syntax error';
}
