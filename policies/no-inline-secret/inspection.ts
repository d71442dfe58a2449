import type { ManifestDocument, ObjectRef, Position, RuleContext, RuleReport } from '../../lib/scan/types';
import { describeHits, findTokens, hitAnchor } from '../helpers/detect/token-formats';
import { classifyValue, type ClassifyOptions, type ValueClass } from '../helpers/detect/classify-value';
import { isSecretUrlName, lastPathSegment } from '../helpers/detect/key-names';
import { readOptions, type NoInlineSecretOptions } from './options';

/**
 * The state of one document's inspection: what has been reported (so a value named by a precise
 * check is not reported again by the token scan) and the anchors of every token seen in a value
 * (so the raw-text pass only reports tokens that live outside values, e.g. in comments).
 */
export class Inspection {
  /** Pointers already reported: one finding per value. */
  private readonly reported = new Set<string>();
  /** Token anchors seen in parsed values. */
  readonly anchors = new Set<string>();
  readonly options: NoInlineSecretOptions;

  constructor(
    readonly doc: ManifestDocument,
    readonly ctx: RuleContext,
    private readonly sink: (r: RuleReport) => void,
  ) {
    this.options = readOptions(ctx.options);
  }

  /** Options for the value classifier: configured placeholders, and whether the name makes a URL secret. */
  classifyOptions(name?: string): ClassifyOptions {
    return { placeholders: this.options.placeholders, urlIsSecret: name !== undefined && isSecretUrlName(lastPathSegment(name)) };
  }

  /** Classifies a value found under `name`. */
  classify(value: unknown, name?: string): ValueClass {
    return classifyValue(value, this.classifyOptions(name));
  }

  has(pointer: string): boolean {
    return this.reported.has(pointer);
  }

  /** Reports a value (or, with `key`, its key) once per pointer. */
  report(pointer: string, message: string, object: ObjectRef | undefined, opts: { key?: boolean } = {}): void {
    if (this.reported.has(pointer)) return;
    this.reported.add(pointer);
    this.sink({ doc: this.doc, pointer, message, ...(opts.key ? { key: true } : {}), ...(object ? { object } : {}) });
  }

  reportAt(position: Position, message: string, object: ObjectRef | undefined): void {
    this.sink({ doc: this.doc, position, message, ...(object ? { object } : {}) });
  }

  /** Remembers the tokens of a value that a precise check already reported. */
  remember(text: string): void {
    for (const h of findTokens(text)) this.anchors.add(hitAnchor(text, h));
  }

  /**
   * Known token formats in a string value not yet reported, at its pointer. `where` names the
   * place for the message (a function when naming it costs: most strings hold no token).
   */
  scanString(text: string, pointer: string, where: string | (() => string), owner: Owner): void {
    const hits = findTokens(text);
    if (hits.length === 0) return;
    for (const h of hits) this.anchors.add(hitAnchor(text, h));
    this.report(pointer, `${owner.label} has ${describeHits(hits)} in ${typeof where === 'string' ? where : where()}`, owner.ref);
  }
}

/** Who a finding is about: the object (for `object` in findings) and how messages name it. */
export interface Owner {
  readonly ref?: ObjectRef;
  readonly label: string;
}

/** A name produced by `neutralizeTemplate` from `{{ ... }}`: not a name anyone wrote. */
const TEMPLATED_NAME = /\$\{_+\}/;

export function ownerOf(raw: ObjectRef | undefined, fallback: string): Owner {
  if (!raw?.kind) return { label: fallback };
  const ref: ObjectRef = {
    ...(raw.apiVersion ? { apiVersion: raw.apiVersion } : {}),
    kind: raw.kind,
    ...(raw.name && !TEMPLATED_NAME.test(raw.name) ? { name: raw.name } : {}),
    ...(raw.namespace && !TEMPLATED_NAME.test(raw.namespace) ? { namespace: raw.namespace } : {}),
  };
  const templated = raw.name !== undefined && ref.name === undefined;
  const name = ref.name ? ` ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : templated ? ' (templated name)' : '';
  return { ref, label: `${ref.kind}${name}` };
}

/** `/spec/values/auth/password` -> `spec.values.auth.password`; array indices as `[0]`. */
export function dotted(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}

export function childPointer(pointer: string, segment: string | number): string {
  if (typeof segment === 'number') return `${pointer}/${segment}`;
  // Most keys need no escaping: skip the two replacements (this runs for every walked node).
  if (!NEEDS_ESCAPE.test(segment)) return `${pointer}/${segment}`;
  return `${pointer}/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

const NEEDS_ESCAPE = /[~/]/;
