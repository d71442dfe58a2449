import type { ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeConfigMap } from './k8s';

/**
 * Argo CD health for ExternalSecrets. Argo CD ships a built-in check (since v2.3,
 * resource_customizations/external-secrets.io/ExternalSecret/health.lua): Ready=False Degraded,
 * Ready=True Healthy, Progressing otherwise, and for `refreshPolicy: OnChange` only a Ready newer
 * than `status.refreshTime`. This one does all of that and one thing more, which is why it is
 * shipped: Ready=True counts only when ESO synced the current spec. ESO writes
 * `status.syncedResourceVersion` as `<metadata.generation>-<hash>` when it syncs
 * (GetResourceVersion in external-secrets), so after a sync that adds a key, the Ready condition of
 * the previous spec no longer passes a RollingSync step before the new key is in the Secret.
 * Written for Argo CD's gopher-lua (Lua 5.1); the tests run it under lua5.1.
 */
export const EXTERNAL_SECRET_HEALTH_LUA = `hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  local current = true
  if obj.metadata ~= nil and obj.metadata.generation ~= nil then
    local synced = obj.status.syncedResourceVersion
    current = synced ~= nil and string.match(synced, "^(%d+)%-") == tostring(obj.metadata.generation)
  end
  local onChange = obj.spec ~= nil and obj.spec.refreshPolicy == "OnChange"
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" and (not onChange or obj.status.refreshTime == nil or (condition.lastTransitionTime ~= nil and condition.lastTransitionTime >= obj.status.refreshTime)) then
      if condition.status == "False" then
        hs.status = "Degraded"
        hs.message = condition.message
        return hs
      end
      if condition.status == "True" and current then
        hs.status = "Healthy"
        hs.message = condition.message
        return hs
      end
      if condition.status == "True" then
        hs.status = "Progressing"
        hs.message = "Waiting for ESO to sync the current spec"
        return hs
      end
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
