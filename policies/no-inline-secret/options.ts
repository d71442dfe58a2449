import { ExitCode, UserError } from '../../lib/errors';

/**
 * Options of `no-inline-secret` in the scanner configuration (`rules.no-inline-secret.options`).
 * Which names are credential-like is configured for the whole scanner, not here.
 */
export interface NoInlineSecretOptions {
  /**
   * Extra patterns (case-insensitive regular expressions over the whole value) for values that are
   * placeholders in your organisation, e.g. `^CHANGE_IN_VAULT$`.
   * @default []
   */
  readonly placeholders: readonly RegExp[];
  /**
   * Check ConfigMap `data` for credential-like keys with literal values.
   * @default true
   */
  readonly configMaps: boolean;
}

/** JSON Schema of the options, for the configuration loader. */
export const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    placeholders: { type: 'array', items: { type: 'string', minLength: 1 } },
    configMaps: { type: 'boolean' },
  },
} as const;

const cache = new WeakMap<object, NoInlineSecretOptions>();

/** Reads (once per options object) and checks the options; a bad pattern is a UserError. */
export function readOptions(raw: Readonly<Record<string, unknown>>): NoInlineSecretOptions {
  const hit = cache.get(raw);
  if (hit) return hit;
  const patterns = Array.isArray(raw.placeholders) ? raw.placeholders : [];
  const placeholders = patterns.map((p, i) => {
    try {
      if (typeof p !== 'string') throw new Error('not a string');
      return new RegExp(p, 'i');
    } catch {
      throw new UserError(
        { message: `no-inline-secret option placeholders[${i}] is not a valid regular expression`, hint: 'write a JavaScript regular expression, e.g. "^CHANGE_IN_VAULT$"' },
        ExitCode.usage,
      );
    }
  });
  const options: NoInlineSecretOptions = { placeholders, configMaps: raw.configMaps !== false };
  cache.set(raw, options);
  return options;
}
