import type { ServiceCatalog } from './types';
import { isProductionTier } from './types';
import { isOAuth2ProxySingleton, signInFor } from './sign-in';
import { isHttps, vaultServerFor } from './vault-tls';
import { clusters } from './layout';
import { clusterStores } from './stores';

/** Reports a problem at catalog path segments (validate.ts positions it). */
export type AtSegments = (segments: (string | number)[], message: string, hint?: string) => void;

/**
 * The locked-by-default rules that need a catalog position: an OAuth client with no sign-in
 * restriction, GitHub team slugs without an organization, and a production-tier cluster that would
 * talk plain `http://` to Vault.
 */
export function checkSecurityDefaults(catalog: ServiceCatalog, at: AtSegments): void {
  const spec = catalog.spec;

  spec.services.forEach((svc, si) => {
    if (!isOAuth2ProxySingleton(svc)) return;
    const open = spec.environments.filter((env) => !signInFor(catalog, svc, env)).map((env) => env.name);
    if (open.length > 0) {
      at(
        ['spec', 'services', si, 'name'],
        `the OAuth client(s) of "${svc.name}" for ${open.map((n) => `"${n}"`).join(', ')} would let any GitHub account sign in: no signIn restriction`,
        `set signIn (githubOrg, githubTeams, githubRepository or githubUsers) on service "${svc.name}" or on the environment, or set spec.github.repository to admit that repository's collaborators`,
      );
    }
  });
  const teamsNeedOrg = (segments: (string | number)[], signIn: { githubOrg?: string; githubTeams?: readonly string[] } | undefined) => {
    if (!signIn?.githubTeams || signIn.githubOrg) return;
    signIn.githubTeams.forEach((team, ti) => {
      if (!team.includes(':')) at([...segments, 'signIn', 'githubTeams', ti], `team "${team}" names no organization and signIn has no githubOrg`, `write it as "<org>:${team}" or set githubOrg`);
    });
  };
  spec.environments.forEach((env, ei) => teamsNeedOrg(['spec', 'environments', ei], env.signIn));
  spec.services.forEach((svc, si) => teamsNeedOrg(['spec', 'services', si], svc.signIn));

  // Store names are `<store>-<environment>` and `<store>-<singleton namespace>`: they must not meet.
  for (const cluster of clusters(catalog)) {
    const envStores = new Set<string>();
    const stores = clusterStores(catalog, cluster);
    for (const store of stores) if (store.environment !== undefined) envStores.add(store.name);
    // (Two environments of one name are reported as duplicates above.)
    for (const store of stores) {
      if (store.singletonNamespace === undefined || !envStores.has(store.name)) continue;
      const ei = spec.environments.findIndex((e) => e.name === store.singletonNamespace);
      at(
        ei >= 0 ? ['spec', 'environments', ei, 'name'] : ['spec', 'vault', 'store'],
        `ClusterSecretStore "${store.name}" on cluster "${cluster.name}" would serve both environment "${store.singletonNamespace}" and the infrastructure singletons in namespace "${store.singletonNamespace}"`,
        'rename the environment or give the singletons another namespace',
      );
    }
  }

  if (spec.vault.allowPlaintextProduction) return;
  const reported = new Set<string>();
  for (const env of spec.environments) {
    if (!isProductionTier(env.tier) || reported.has(env.cluster)) continue;
    const server = vaultServerFor(catalog, env.cluster);
    if (isHttps(server)) continue;
    reported.add(env.cluster);
    const ci = spec.clusters?.findIndex((c) => c.name === env.cluster && c.vaultServer !== undefined) ?? -1;
    at(
      ci >= 0 ? ['spec', 'clusters', ci, 'vaultServer'] : ['spec', 'vault', 'server'],
      `cluster "${env.cluster}" runs production-tier environment "${env.name}" but reaches Vault over plain HTTP (${server}): tokens and secrets would cross the network unencrypted`,
      ci >= 0
        ? 'use an https:// address (the store trusts spec.vault.tls.caProvider), or set spec.vault.allowPlaintextProduction: true behind a mesh that encrypts'
        : `set vaultServer: https://... on cluster "${env.cluster}" under spec.clusters (or make spec.vault.server https://), or set spec.vault.allowPlaintextProduction: true behind a mesh that encrypts`,
    );
  }
}
