import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { REPO_ROOT } from './tmp';

/** apiVersion/kind -> schema file under test/schemas (copied from upstream; see its README). */
const SCHEMA_FILES: Record<string, string> = {
  'v1/ConfigMap': 'kubernetes/configmap-v1.json',
  'v1/Namespace': 'kubernetes/namespace-v1.json',
  'v1/Secret': 'kubernetes/secret-v1.json',
  'v1/Service': 'kubernetes/service-v1.json',
  'v1/ServiceAccount': 'kubernetes/serviceaccount-v1.json',
  'apps/v1/Deployment': 'kubernetes/deployment-apps-v1.json',
  'batch/v1/Job': 'kubernetes/job-batch-v1.json',
  'batch/v1/CronJob': 'kubernetes/cronjob-batch-v1.json',
  'networking.k8s.io/v1/Ingress': 'kubernetes/ingress-networking-v1.json',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes/networkpolicy-networking-v1.json',
  'policy/v1/PodDisruptionBudget': 'kubernetes/poddisruptionbudget-policy-v1.json',
  'rbac.authorization.k8s.io/v1/Role': 'kubernetes/role-rbac-v1.json',
  'rbac.authorization.k8s.io/v1/RoleBinding': 'kubernetes/rolebinding-rbac-v1.json',
  'rbac.authorization.k8s.io/v1/ClusterRole': 'kubernetes/clusterrole-rbac-v1.json',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': 'kubernetes/clusterrolebinding-rbac-v1.json',
  'external-secrets.io/v1/ExternalSecret': 'external-secrets.io/externalsecret_v1.json',
  'external-secrets.io/v1/ClusterSecretStore': 'external-secrets.io/clustersecretstore_v1.json',
  'external-secrets.io/v1/SecretStore': 'external-secrets.io/secretstore_v1.json',
  'argoproj.io/v1alpha1/ApplicationSet': 'argoproj.io/applicationset_v1alpha1.json',
  'argoproj.io/v1alpha1/Application': 'argoproj.io/application_v1alpha1.json',
  'argoproj.io/v1alpha1/AppProject': 'argoproj.io/appproject_v1alpha1.json',
};

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
// Compiled once per process: the ApplicationSet schema alone takes seconds.
const compiled = new Map<string, ValidateFunction>();

export function hasSchema(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in SCHEMA_FILES;
}

/** Validates one manifest against its upstream schema; returns readable errors (empty when valid). */
export function schemaErrors(manifest: { apiVersion: string; kind: string }): string[] {
  const key = `${manifest.apiVersion}/${manifest.kind}`;
  const file = SCHEMA_FILES[key];
  if (!file) return [`no upstream schema for ${key}`];
  let validate = compiled.get(key);
  if (!validate) {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'schemas', file), 'utf8'));
    delete schema.$schema; // "http://json-schema.org/schema#" is not a meta-schema ajv knows; the content is draft-07 compatible
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
