import { classifyValue, type ClassifyOptions } from './classify-value';

/**
 * Registry credentials in a `.dockerconfigjson` (`{"auths": {...}}`) or legacy `.dockercfg`
 * (registries at the top level). Registry host names are not secret and may be named in messages.
 */
export interface RegistryCredential {
  readonly registry: string;
  /** Which field holds the literal: auth, password, identitytoken or registrytoken. */
  readonly field: string;
}

const SECRET_FIELDS = ['auth', 'password', 'identitytoken', 'registrytoken'] as const;

/** Undefined when the text is not a docker config JSON object (the caller then classifies it as a plain value). */
export function registryCredentials(text: string, opts: ClassifyOptions = {}): RegistryCredential[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const root = parsed as Record<string, unknown>;
  const auths = root.auths && typeof root.auths === 'object' ? (root.auths as Record<string, unknown>) : root;
  const out: RegistryCredential[] = [];
  for (const [registry, entry] of Object.entries(auths)) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    const field = SECRET_FIELDS.find((f) => classifyValue(e[f], opts).kind === 'literal');
    if (field) out.push({ registry, field });
  }
  return out;
}
