/** Where one key is written. */
export type Destination = GithubDestination | KubernetesDestination;

export interface GithubDestination {
  readonly kind: 'github';
  readonly owner: string;
  readonly repo: string;
  /** Environment secrets of `environment`, or repository secrets. */
  readonly scope: 'environment' | 'repository';
  /** The GitHub environment (for `environment` scope). */
  readonly environment?: string;
  /** Secret name (GitHub upper-cases names; the catalog key names are already upper case). */
  readonly name: string;
}

export interface KubernetesDestination {
  readonly kind: 'kubernetes';
  /** kubeconfig context; undefined = the current context. */
  readonly context?: string;
  readonly namespace: string;
  readonly secret: string;
  readonly key: string;
}

/** A stable id for a destination: ledger file name, audit `target`, plan line. */
export function destinationId(d: Destination): string {
  if (d.kind === 'github') {
    return d.scope === 'environment' ? `github:${d.owner}/${d.repo}:environment:${d.environment}:${d.name}` : `github:${d.owner}/${d.repo}:repository:${d.name}`;
  }
  return `kubernetes:${d.context ?? 'current-context'}:${d.namespace}/${d.secret}#${d.key}`;
}
