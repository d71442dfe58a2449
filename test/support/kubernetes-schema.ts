import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './tmp';

const compiled = new Map<string, ValidateFunction>();

/**
 * A validator for a Kubernetes kind from the upstream standalone-strict schemas copied into
 * `test/schemas/kubernetes/` (e.g. `ingress-networking-v1`). Compiled once per file.
 */
export function kubernetesValidator(file: string): ValidateFunction {
  let v = compiled.get(file);
  if (!v) {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'schemas', 'kubernetes', `${file}.json`), 'utf8'));
    // The files name the draft-04 meta-schema by a URI ajv 8 does not resolve; their keywords are draft-07 compatible.
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    v = ajv.compile(schema);
    compiled.set(file, v);
  }
  return v;
}

/** Fails with ajv's messages when `doc` does not validate. */
export function schemaErrors(file: string, doc: unknown): string[] {
  const v = kubernetesValidator(file);
  return v(doc) ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
