import { bypassIngressRoutes } from '../constructs/bypass-ingress';
import { STAGE_WAVES } from '../constructs/metadata';
import { imagesOf } from '../catalog/images';
import { gateModeOf, gateSecretsFor, SecretReadinessGate } from '../constructs/secret-readiness-gate';
import { addVaultBootstrap } from '../constructs/vault-bootstrap';
import { BOOTSTRAP_COMPONENT } from '../constructs/vault-bootstrap-common';
import { parseDuration } from '../duration';
import { ClusterHook, defaultIngressRoutes, ServiceInstanceHook, SynthExtensions } from './extensions';

/** Issue 5: each cluster's Vault bootstrap (dev CronJob or production Job) in its own component, stage bootstrap. */
export const vaultBootstrapHook: ClusterHook = ({ plan, cluster, component, addChart }) => {
  const chart = addChart(component(BOOTSTRAP_COMPONENT, 'bootstrap', plan.catalog.spec.vault.namespace), 'vault-bootstrap.yaml', {
    name: BOOTSTRAP_COMPONENT,
    component: 'vault-bootstrap',
    source: `${plan.sourceName}#/spec/vault`,
  });
  addVaultBootstrap(chart, cluster.model, plan.project);
};

/**
 * Issue 9: a readiness-gate hook Job in the service's own Application for services whose gate is
 * `hook` (default for services with migrations). It runs after the ExternalSecrets' wave and
 * before workloads (wave 0). With `init-container`, the script and RBAC for the workload's own
 * service account (named like the service) are rendered instead, for its init container.
 */
export const readinessGateHook: ServiceInstanceHook = ({ plan, service, addChart }) => {
  const mode = gateModeOf(service.service);
  if (mode === 'none') return;
  const secrets = gateSecretsFor(plan.project.resolver, service.environment.name, service.service.name);
  if (secrets.length === 0) return;
  const timeout = service.service.readiness?.timeout;
  const ms = timeout === undefined ? undefined : parseDuration(timeout);
  const chart = addChart('readiness-gate.yaml', { component: 'secret-readiness-gate' });
  new SecretReadinessGate(chart, 'gate', {
    namespace: service.namespace,
    service: service.service.name,
    secrets,
    syncWave: String(STAGE_WAVES.secrets + 5),
    mode,
    image: imagesOf(plan.catalog).readinessGate,
    ...(ms !== undefined ? { timeoutSeconds: Math.max(1, Math.round(ms / 1000)) } : {}),
  });
};

/** What `secretops synth` and `cdk8s synth` run with: every helper's constructs, wired through the extension points. */
export const BUILT_IN_EXTENSIONS: SynthExtensions = {
  // Issue 8: the bypass route is a second Ingress for exactly the declared paths, where allowed.
  ingressRoutes: (s) => [...defaultIngressRoutes(s), ...bypassIngressRoutes(s)],
  clusterHooks: [vaultBootstrapHook],
  serviceInstanceHooks: [readinessGateHook],
};
