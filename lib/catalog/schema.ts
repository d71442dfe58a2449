import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import { Diagnostic } from '../errors';
import { diagnosticAt, YamlSource } from '../yaml-source';

/**
 * One ajv instance for all of secretops' own file formats (draft 2020-12). `verbose` makes errors
 * carry their parent schema, so an unknown-field error can list the fields allowed there.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

/**
 * Runs a compiled schema over a parsed YAML file and turns each error into a diagnostic with the
 * position of the offending node. Unknown fields point at the key itself.
 */
export function schemaDiagnostics(validate: ValidateFunction, src: YamlSource): Diagnostic[] {
  if (validate(src.value)) return [];
  const errors = pruneErrors(validate.errors ?? []);
  return errors.map((e) => toDiagnostic(e, src));
}

/** Drops the noise ajv emits next to the real error (anyOf/oneOf/if branches). */
function pruneErrors(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function toDiagnostic(e: ErrorObject, src: YamlSource): Diagnostic {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const field = String(p.additionalProperty);
      const pointer = `${e.instancePath}/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const allowed = allowedProperties(e);
      return diagnosticAt(src, pointer, `unknown field "${field}"`, allowed ? `allowed here: ${allowed}` : 'remove it or check its spelling', { key: true });
    }
    case 'required':
      return diagnosticAt(src, e.instancePath, `missing required field "${String(p.missingProperty)}"`, `add "${String(p.missingProperty)}"`);
    case 'type':
      return diagnosticAt(src, e.instancePath, `must be ${article(String(p.type))}`, `change the value to ${article(String(p.type))}`);
    case 'enum':
      return diagnosticAt(src, e.instancePath, `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`, 'pick one of the listed values');
    case 'const':
      return diagnosticAt(src, e.instancePath, `must be "${String(p.allowedValue)}"`, `set it to "${String(p.allowedValue)}"`);
    case 'pattern':
      return diagnosticAt(src, e.instancePath, `does not match the expected format (${describePattern(String(p.pattern))})`, 'fix the value to match the format');
    case 'propertyNames':
      return diagnosticAt(src, e.instancePath, `has a field name of the wrong format`, 'rename the field');
    case 'not':
      return diagnosticAt(src, e.instancePath, 'has fields that exclude each other (for example `generate` with `value`)', 'keep only one of them');
    default:
      return diagnosticAt(src, e.instancePath, e.message ?? `fails "${e.keyword}"`, 'see the schema for this field');
  }
}

function allowedProperties(e: ErrorObject): string | undefined {
  const props = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props).join(', ') : undefined;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

const KNOWN_PATTERNS: Record<string, string> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'a DNS label: lower-case letters, digits and "-"',
  '^[A-Za-z_][A-Za-z0-9_.-]*$': 'an environment-variable-like key: letters, digits, "_", "." and "-"',
  '^([0-9]+(ms|s|m|h))+$': 'a duration such as 30s, 5m or 1h',
  '^([a-z0-9-]|\\{(instance|environment|service)\\})+$': 'a namespace: lower-case letters, digits, "-" and the placeholders {instance}, {environment}, {service}',
};

function describePattern(pattern: string): string {
  return KNOWN_PATTERNS[pattern] ?? `pattern ${pattern}`;
}
