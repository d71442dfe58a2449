import { describe, expect, it } from 'vitest';
import { credentialKeyMatcher } from '../../lib/credential-like';
import type { Project } from '../../lib/project/load';
import { parseFile } from '../../lib/scan/parse';
import { runRules } from '../../lib/scan/run-rules';
import type { RuleContext } from '../../lib/scan/types';
import { distDrift } from '../../policies/dist-drift/index';
import { fixtureDrift } from '../../policies/fixture-drift/index';
import { missingSecretRef } from '../../policies/missing-secret-ref/index';
import { noUndeclaredBypassRoute } from '../../policies/no-undeclared-bypass-route/index';
import { prodBootstrapUnsafe } from '../../policies/prod-bootstrap-unsafe/index';
import { secretLevelViolation } from '../../policies/secret-level-violation/index';
import { singletonDuplicated } from '../../policies/singleton-duplicated/index';
import { unknownSecretStore } from '../../policies/unknown-secret-store/index';
import { loadMiniProject } from '../support/scan-files';

/**
 * The engine loads the catalog only when a rule reads `ctx.project`. The catalog rules read it only
 * when the scan holds something to compare with it, so a scan of unrelated files never pays for it.
 */
const RULES = [fixtureDrift, distDrift, unknownSecretStore, missingSecretRef, prodBootstrapUnsafe, singletonDuplicated, secretLevelViolation, noUndeclaredBypassRoute];

async function reads(text: string, rules = RULES): Promise<number> {
  const project = loadMiniProject();
  let count = 0;
  const context: RuleContext = {
    isCredentialKey: credentialKeyMatcher(),
    cwd: process.cwd(),
    options: {},
    get project(): Project {
      count++;
      return project;
    },
  };
  const { docs } = parseFile({ path: 'x.yaml', kind: 'yaml', text });
  await runRules({ rules, files: [], docs, context });
  return count;
}

describe('catalog rules and ctx.project', () => {
  it('do not read the catalog for documents that concern none of them', async () => {
    expect(await reads('a: 1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: "1"}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n')).toBe(0);
  });

  it('do not read it for references the scan resolves itself', async () => {
    const text = [
      'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: a}\nstringData: {K: v}\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}\nspec:\n  template:\n    spec:\n      containers: [{name: c, env: [{name: K, valueFrom: {secretKeyRef: {name: s, key: K}}}]}]\n',
      'apiVersion: external-secrets.io/v1\nkind: SecretStore\nmetadata: {name: st, namespace: a}\nspec: {provider: {fake: {}}}\n',
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: e, namespace: a}\nspec:\n  secretStoreRef: {name: st}\n',
    ].join('---\n');
    expect(await reads(text, [missingSecretRef, unknownSecretStore])).toBe(0);
    expect(await reads(text.replace('{name: s, key: K}', '{name: elsewhere, key: K}'), [missingSecretRef])).toBeGreaterThan(0);
  });

  it('read it when there is something to compare', async () => {
    expect(await reads('apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: e, namespace: dev}\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}\n')).toBeGreaterThan(0);
  });
});
