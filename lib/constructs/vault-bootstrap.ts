import type { Construct } from 'constructs';
import type { Project } from '../project/load';
import type { ClusterModel } from '../catalog/layout';
import { VaultDevBootstrap } from './vault-dev-bootstrap';
import { VaultProductionBootstrap } from './vault-production-bootstrap';

/**
 * Adds the right Vault bootstrap for a cluster: a cluster with any production-tier environment gets
 * only the production Job (no CronJob, no init or unseal, no `vault-auto-credentials`, no fixtures);
 * every other cluster gets the dev CronJob.
 */
export function addVaultBootstrap(scope: Construct, cluster: ClusterModel, project: Project): VaultDevBootstrap | VaultProductionBootstrap {
  return cluster.production
    ? new VaultProductionBootstrap(scope, 'VaultProductionBootstrap', { cluster, project })
    : new VaultDevBootstrap(scope, 'VaultDevBootstrap', { cluster, project });
}
