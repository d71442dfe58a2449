import { stringify } from 'yaml';

/**
 * YAML text of rendered manifests, byte for byte what `yaml.stringify(doc, { lineWidth: 0 })`
 * writes, several times faster. Profiling synth of a 1,000-service catalog put `yaml`'s stringify
 * at a quarter of the CPU time: it builds a node tree of every document, visits it, and decides
 * each scalar's style in context. Manifests are plain JSON (maps, lists, strings, numbers,
 * booleans, null), so the block layout is fixed and only scalars need `yaml`'s judgement: each
 * distinct scalar is given to `yaml.stringify` once, alone (a single-line scalar is written the
 * same alone as as a block map or list value), and reused. Anything outside that (a multi-line
 * string, which becomes a block scalar whose indentation depends on its place; a key that is not
 * plain; a list directly inside a list; a value that is not JSON) makes the whole document go to
 * `yaml.stringify`. test/synth/manifest-yaml.test.ts compares both on generated documents.
 */
export class ManifestYaml {
  /** Scalar -> its single-line YAML, or null when it is not single-line. */
  private readonly scalars = new Map<unknown, string | null>();
  /** Keys that are written plain (as they are) or not. */
  private readonly keys = new Map<string, boolean>();

  constructor(private readonly options: { readonly lineWidth: number }) {}

  /** `yaml.stringify(doc, options)`. */
  stringify(doc: unknown): string {
    const out: string[] = [];
    if (isPlainObject(doc) && this.map(doc, '', out) && out.length > 0) return out.join('');
    return stringify(doc, this.options);
  }

  /** Block map entries at `indent`, each piece starting a line; false: not in the fast subset. */
  private map(m: Record<string, unknown>, indent: string, out: string[]): boolean {
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (v === undefined) continue; // yaml leaves out keys whose value is undefined
      if (!this.plainKey(k)) return false;
      if (!this.entry(`${indent}${k}:`, v, indent, out)) return false;
    }
    return true;
  }

  /** A list's items at `indent`; a map item's first entry goes on the dash line. */
  private seq(a: readonly unknown[], indent: string, out: string[]): boolean {
    const inner = `${indent}  `;
    for (const v of a) {
      if (v === undefined) return false;
      if (Array.isArray(v) && v.length > 0) return false; // `- - x`: rare in manifests, left to yaml
      if (isPlainObject(v) && Object.keys(v).some((k) => v[k] !== undefined)) {
        const start = out.length;
        if (!this.map(v, inner, out)) return false;
        out[start] = `${indent}- ${out[start]!.slice(inner.length)}`;
        continue;
      }
      if (!this.entry(`${indent}-`, v, indent, out)) return false;
    }
    return true;
  }

  /** `head` (`key:` or `-`) followed by the value: inline for scalars and empty collections. */
  private entry(head: string, v: unknown, indent: string, out: string[]): boolean {
    if (Array.isArray(v)) {
      if (v.length === 0) return out.push(`${head} []\n`), true;
      out.push(`${head}\n`);
      return this.seq(v, `${indent}  `, out);
    }
    if (isPlainObject(v)) {
      if (!Object.keys(v).some((k) => v[k] !== undefined)) return out.push(`${head} {}\n`), true;
      out.push(`${head}\n`);
      return this.map(v, `${indent}  `, out);
    }
    const s = this.scalar(v);
    if (s === null) return false;
    out.push(`${head} ${s}\n`);
    return true;
  }

  private scalar(v: unknown): string | null {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v !== 'string' && typeof v !== 'number') return null;
    let s = this.scalars.get(v);
    if (s === undefined) {
      const text = stringify(v, this.options);
      // A single line and its newline; block scalars (`|-` and the lines below) are not.
      s = text.indexOf('\n') === text.length - 1 && !/^[|>]/.test(text) ? text.slice(0, -1) : null;
      this.scalars.set(v, s);
    }
    return s;
  }

  private plainKey(k: string): boolean {
    let plain = this.keys.get(k);
    if (plain === undefined) {
      // Written as it is when yaml writes it plain alone and nothing in it could end an implicit key.
      plain = k.length > 0 && k.length < 1024 && stringify(k, this.options) === `${k}\n` && !/[:#]\s|[\n\r]|:$/.test(k);
      this.keys.set(k, plain);
    }
    return plain;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}
