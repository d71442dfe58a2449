import type { Manifest } from './cluster-dist';

/**
 * What the Kubernetes API server refuses when Argo CD applies an object: the rules the simulation
 * (and the test over every rendered Ingress) holds dist/ to. A refused object fails the sync of its
 * Application, so the rollout stops there.
 */

/** Kinds that are not namespaced among those secretops renders (everything else needs its namespace). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterSecretStore', 'ClusterExternalSecret', 'IngressClass', 'CustomResourceDefinition']);

export function isNamespaced(kind: string): boolean {
  return !CLUSTER_SCOPED.has(kind);
}

// k8s.io/kubernetes pkg/apis/networking/validation/validation.go (validateHTTPIngressPath):
// invalidPathSequences and invalidPathSuffixes apply to Exact and Prefix paths.
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const PATH_TYPES = ['Exact', 'Prefix', 'ImplementationSpecific'];

/**
 * The API server's validation of one Ingress path (networking.k8s.io/v1), as
 * validateHTTPIngressPath implements it: `pathType` is required and one of the three; `Exact` and
 * `Prefix` paths must be absolute and free of `//`, `/./`, `/../`, `%2f` and a trailing `/..` or
 * `/.`; an `ImplementationSpecific` path, when set, must be absolute too. So no regex that starts with
 * `^` can be an Ingress path, whatever the controller would make of it.
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go
 */
export function ingressPathErrors(path: string | undefined, pathType: string | undefined): string[] {
  const errors: string[] = [];
  if (pathType === undefined) return ['pathType: Required value: pathType must be specified'];
  if (!PATH_TYPES.includes(pathType)) return [`pathType: Unsupported value: "${pathType}"`];
  const p = path ?? '';
  if (pathType === 'ImplementationSpecific') {
    if (p.length > 0 && !p.startsWith('/')) errors.push(`path: Invalid value: "${p}": must be an absolute path`);
    return errors;
  }
  if (!p.startsWith('/')) errors.push(`path: Invalid value: "${p}": must be an absolute path`);
  for (const s of INVALID_PATH_SEQUENCES) if (p.includes(s)) errors.push(`path: Invalid value: "${p}": must not contain '${s}'`);
  for (const s of INVALID_PATH_SUFFIXES) if (p.endsWith(s)) errors.push(`path: Invalid value: "${p}": cannot end with '${s}'`);
  return errors;
}

/** Every path error of an Ingress, each prefixed with its field path as the API server reports it. */
export function ingressErrors(ingress: Manifest): string[] {
  const rules = ((ingress.spec as { rules?: { http?: { paths?: { path?: string; pathType?: string }[] } }[] } | undefined)?.rules ?? []);
  const out: string[] = [];
  rules.forEach((rule, r) =>
    (rule.http?.paths ?? []).forEach((p, i) => {
      for (const e of ingressPathErrors(p.path, p.pathType)) out.push(`spec.rules[${r}].http.paths[${i}].${e}`);
    }),
  );
  return out;
}

export interface AdmissionContext {
  readonly namespaceExists: (name: string) => boolean;
  /** API groups whose CRDs are installed (ESO, Traefik...). */
  readonly crdGroups: ReadonlySet<string>;
}

const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'policy']);

/** Why the API server would refuse to create `obj` (with its namespace resolved), or undefined. */
export function admissionError(obj: Manifest, namespace: string | undefined, ctx: AdmissionContext): string | undefined {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0]! : '';
  if (!BUILT_IN_GROUPS.has(group) && !ctx.crdGroups.has(group)) return `no matches for kind "${obj.kind}" in version "${obj.apiVersion}": install its CRDs first`;
  if (isNamespaced(obj.kind) && obj.kind !== 'Namespace') {
    if (!namespace) return 'the server could not find the requested resource: a namespaced object without a namespace';
    if (!ctx.namespaceExists(namespace)) return `namespaces "${namespace}" not found`;
  }
  if (obj.kind === 'Ingress') {
    const errors = ingressErrors(obj);
    if (errors.length > 0) return `Ingress.networking.k8s.io "${obj.metadata.name}" is invalid: ${errors.join('; ')}`;
  }
  return undefined;
}
