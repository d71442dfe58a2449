import type { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap } from './k8s';

/**
 * Argo CD health for ExternalSecrets: Healthy only when ESO reports `Ready=True`, Degraded with
 * ESO's message when `Ready=False`, Progressing until then. Recent Argo CD versions ship a similar
 * built-in check; shipping ours pins the behaviour the ApplicationSet's progressive sync relies on.
 */
export const EXTERNAL_SECRET_HEALTH_LUA = `hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" and condition.status == "False" then
      hs.status = "Degraded"
      hs.message = condition.message
      return hs
    end
    if condition.type == "Ready" and condition.status == "True" then
      hs.status = "Healthy"
      hs.message = condition.message
      return hs
    end
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the ExternalSecret to be Ready"
return hs
`;

/** The argocd-cm key Argo CD reads the check from. */
export const EXTERNAL_SECRET_HEALTH_KEY = 'resource.customizations.health.external-secrets.io_ExternalSecret';

export interface ArgoCdHealthChecksProps {
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
  /** Labels and annotations. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * The `argocd-cm` keys secretops needs, as a ConfigMap to merge into Argo CD's own (a strategic
 * merge patch, or `kubectl apply --server-side --field-manager=secretops` which only owns these keys).
 */
export class ArgoCdHealthChecks extends Construct {
  public readonly resource: KubeConfigMap;

  constructor(scope: Construct, id: string, props: ArgoCdHealthChecksProps = {}) {
    super(scope, id);
    this.resource = new KubeConfigMap(this, 'resource', {
      metadata: { ...(props.metadata ?? {}), name: 'argocd-cm', namespace: props.namespace ?? 'argocd' },
      data: { [EXTERNAL_SECRET_HEALTH_KEY]: EXTERNAL_SECRET_HEALTH_LUA },
    });
  }
}
