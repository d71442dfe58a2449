import { decodeBase64Data } from '../helpers/detect/base64';
import type { ValueClass } from '../helpers/detect/classify-value';
import { registryCredentials } from '../helpers/detect/docker-config';
import { looksLikeKeyMaterialName } from '../helpers/detect/key-names';
import { describeHits, findTokens } from '../helpers/detect/token-formats';
import { checkEmbeddedValues } from './embedded-values';
import { childPointer, type Inspection, type Owner } from './inspection';

/**
 * Objects whose purpose is to carry data: Secrets (by `data`/`stringData`, by type), ConfigMaps
 * (which must not carry credentials either) and kustomize secretGenerator literals.
 */

const DOCKER_CONFIG_TYPES: Readonly<Record<string, string>> = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

/** Inside a Secret (or a generator of one) a name counts when it is credential-like or names key material. */
function isSecretDataName(name: string, s: Inspection): boolean {
  return s.ctx.isCredentialKey(name) || looksLikeKeyMaterialName(name);
}

export function checkSecret(obj: Record<string, unknown>, pointer: string, owner: Owner, s: Inspection): void {
  const type = typeof obj.type === 'string' ? obj.type : 'Opaque';
  for (const section of ['stringData', 'data'] as const) {
    const entries = obj[section];
    if (!entries || typeof entries !== 'object' || Array.isArray(entries)) continue;
    const sectionPointer = childPointer(pointer, section);
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      // `password: 12345678` is a number to YAML but a literal all the same.
      const raw = typeof value === 'number' ? String(value) : value;
      if (typeof raw !== 'string') continue;
      const at = childPointer(sectionPointer, key);
      const where = key.startsWith('.') ? `${section}[${key}]` : `${section}.${key}`;
      let text: string;
      if (section === 'data') {
        const decoded = decodeBase64Data(raw);
        if (decoded?.kind === 'binary') {
          // Binary material (keystores, keytabs) under a secret name is a literal secret by nature.
          if (isSecretDataName(key, s)) s.report(at, `${owner.label} has literal binary key material in ${where}`, owner.ref, { key: true });
          continue;
        }
        // Not base64: classify as written (placeholders such as `<BASE64_ENCODED_KEY>` land here).
        text = decoded?.text ?? raw;
      } else text = raw;
      const dockerField = DOCKER_CONFIG_TYPES[type];
      if (dockerField === key || (dockerField === undefined && (key === '.dockerconfigjson' || key === '.dockercfg'))) {
        if (checkDockerConfig(text, at, where, owner, s)) continue;
      }
      const tokens = findTokens(text);
      if (tokens.length > 0) {
        s.remember(raw);
        s.report(at, `${owner.label} has ${describeHits(tokens)} in ${where}`, owner.ref, { key: true });
        continue;
      }
      if (!isSecretDataName(key, s)) {
        checkEmbeddedConfig(text, at, where, owner, s);
        continue;
      }
      const c = s.classify(text, key);
      if (c.kind === 'literal') s.report(at, `${owner.label} has ${materialOf(c, type)} in ${where}`, owner.ref, { key: true });
    }
  }
}

/** A config file held in a Secret (JSON, YAML): credential-like keys inside it, as in Helm values. */
const LOOKS_STRUCTURED = /^[ \t]*[{[]|^[ \t]*[\w."'-]+[ \t]*:\s/m;
const MAX_EMBEDDED = 1_000_000;

function checkEmbeddedConfig(text: string, at: string, where: string, owner: Owner, s: Inspection): void {
  // One-line values are JSON objects or nothing; longer text must have a `key: value` line.
  if (text.length > MAX_EMBEDDED || (!text.includes('\n') && !text.trimStart().startsWith('{'))) return;
  if (!LOOKS_STRUCTURED.test(text)) return;
  checkEmbeddedValues(text, at, where, owner, s);
}

/** True when the value was a docker config (reported or clean); false to classify it as a plain value. */
function checkDockerConfig(text: string, at: string, where: string, owner: Owner, s: Inspection): boolean {
  const creds = registryCredentials(text, s.classifyOptions());
  if (!creds) return false;
  if (creds.length > 0) {
    const registries = creds.map((c) => `${c.registry} (${c.field})`).join(', ');
    s.report(at, `${owner.label} has literal registry credentials for ${registries} in ${where}`, owner.ref, { key: true });
  }
  return true;
}

function materialOf(c: ValueClass, type: string): string {
  const material = c.material ?? 'a literal credential';
  if (type === 'kubernetes.io/basic-auth' && material === 'a literal credential') return 'a literal basic-auth password';
  return material;
}

export function checkConfigMap(obj: Record<string, unknown>, pointer: string, owner: Owner, s: Inspection): void {
  if (!s.options.configMaps) return;
  const data = obj.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) return;
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'string' || !s.ctx.isCredentialKey(key)) continue;
    const c = s.classify(value, key);
    if (c.kind !== 'literal') continue;
    s.remember(value);
    s.report(childPointer(childPointer(pointer, 'data'), key), `${owner.label} has ${c.material} in data.${key} (a ConfigMap is not a place for credentials)`, owner.ref, { key: true });
  }
}

/** kustomize `secretGenerator[].literals` (`KEY=value`); `envs` and `files` name files, they are not values. */
export function checkSecretGenerator(obj: Record<string, unknown>, pointer: string, owner: Owner, s: Inspection): void {
  const generators = obj.secretGenerator;
  if (!Array.isArray(generators)) return;
  generators.forEach((gen, i) => {
    if (!gen || typeof gen !== 'object') return;
    const g = gen as Record<string, unknown>;
    if (!Array.isArray(g.literals)) return;
    const name = typeof g.name === 'string' ? g.name : `#${i}`;
    g.literals.forEach((lit, j) => {
      if (typeof lit !== 'string') return;
      const eq = lit.indexOf('=');
      if (eq <= 0) return;
      const key = lit.slice(0, eq).trim();
      const value = lit.slice(eq + 1).trim().replace(/^"(.*)"$|^'(.*)'$/s, '$1$2');
      const at = childPointer(childPointer(childPointer(childPointer(pointer, 'secretGenerator'), i), 'literals'), j);
      const tokens = findTokens(value);
      if (tokens.length > 0) {
        s.remember(lit);
        s.report(at, `${owner.label} secretGenerator ${name} has ${describeHits(tokens)} in literal ${key}`, owner.ref);
        return;
      }
      if (!isSecretDataName(key, s)) return;
      const c = s.classify(value, key);
      if (c.kind === 'literal') s.report(at, `${owner.label} secretGenerator ${name} has ${c.material} in literal ${key}`, owner.ref);
    });
  });
}
