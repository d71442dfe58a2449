import { beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../lib/project/load';
import { shownKey, shownName, shownPath } from '../../policies/helpers/k8s/shown';
import { fixtureDrift } from '../../policies/fixture-drift/index';
import { missingSecretRef } from '../../policies/missing-secret-ref/index';
import { noUndeclaredBypassRoute } from '../../policies/no-undeclared-bypass-route/index';
import { prodBootstrapUnsafe } from '../../policies/prod-bootstrap-unsafe/index';
import { secretLevelViolation } from '../../policies/secret-level-violation/index';
import { singletonDuplicated } from '../../policies/singleton-duplicated/index';
import { unknownSecretStore } from '../../policies/unknown-secret-store/index';
import { canary, expectNoLeak } from '../support/canary';
import { loadMiniProject, scanFiles } from '../support/scan-files';

/**
 * The catalog rules print names, Vault locations and paths. Canary values planted in every place a
 * value can sit next to what they print (Secret data, env values, scripts, a password typed where a
 * name belongs, a token in a route path) must not show up in any finding.
 */
let project: Project;
beforeAll(() => {
  project = loadMiniProject();
});

const RULES = [fixtureDrift, missingSecretRef, noUndeclaredBypassRoute, prodBootstrapUnsafe, secretLevelViolation, singletonDuplicated, unknownSecretStore];

describe('catalog rules never print a value', () => {
  it('finds something with every rule and leaks no canary', async () => {
    const c = Array.from({ length: 9 }, (_, i) => canary(`v${i}`));
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const files: Record<string, string> = {
      'prod.yaml': `apiVersion: v1
kind: Secret
metadata: {name: vault-root-token, namespace: production}
stringData: {token: ${c[0]}}
data: {root_token: ${b64(c[1]!)}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: unseal, namespace: vault, annotations: {secretops.dev/cluster: prod}}
data:
  run.sh: |
    vault operator unseal ${c[2]}
    curl -X PUT -d '{"key":"${c[2]}"}' http://vault:8200/v1/sys/unseal
`,
      'dev.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: dev}
spec:
  template:
    spec:
      containers:
        - name: api
          env:
            - {name: PASSWORD, value: ${c[3]}}
            - name: DB
              valueFrom: {secretKeyRef: {name: api-credentials, key: "${c[4]}"}}
          envFrom: [{secretRef: {name: "${c[5]}"}}]
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-credentials, namespace: dev}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: mini-vault}
  target: {name: api-credentials}
  data:
    - {secretKey: DATABASE_URL, remoteRef: {key: dev/api, property: DATABASE_URL}}
    - {secretKey: OTHER, remoteRef: {key: dev/api, property: OTHER}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: deploy, namespace: dev}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: "${c[6]}"}
  target: {name: ci-deploy-token}
---
apiVersion: v1
kind: Secret
metadata: {name: personal-access, namespace: dev}
stringData: {PERSONAL_TOKEN: ${c[7]}}
`,
      'slot.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api-bypass, namespace: ai-slot-1, annotations: {secretops.dev/route: bypass}}
spec:
  rules:
    - host: api-ai-slot-1.ai.mini.dev
      http:
        paths: [{path: "/hooks/${c[8]}", pathType: Exact, backend: {service: {name: api, port: {number: 8080}}}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: oauth2-proxy, namespace: ai-slot-1, labels: {app.kubernetes.io/name: oauth2-proxy}, annotations: {secretops.dev/cluster: nonprod}}
spec:
  template:
    spec:
      containers: [{name: p, env: [{name: COOKIE_SECRET, value: ${c[3]}}]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: oauth2-proxy-2, namespace: platform, labels: {app.kubernetes.io/name: oauth2-proxy}, annotations: {secretops.dev/cluster: nonprod}}
spec:
  template:
    spec:
      containers: [{name: p, env: [{name: COOKIE_SECRET, value: ${c[3]}}]}]
`,
      'chart/values.yaml': `auth:\n  existingSecret: "${c[5]}"\n  password: ${c[3]}\n`,
    };
    const findings = await scanFiles(RULES, files, { project, helmValues: ['chart/values.yaml'] });
    for (const r of RULES) expect(findings.some((f) => f.ruleId === r.meta.id), r.meta.id).toBe(true);
    const texts = findings.map((f) => JSON.stringify(f));
    for (const secret of c) expectNoLeak(texts, secret);
  });

  it('masks what cannot be a name, a key or a plain path segment', () => {
    expect(shownName('api-credentials')).toBe('api-credentials');
    expect(shownName('Hunter2!')).toBe('<not a valid name>');
    expect(shownName('db-7f3a9c2e1b0d4f6a8e2c')).toBe('<not a valid name>');
    expect(shownKey('DATABASE_URL')).toBe('DATABASE_URL');
    expect(shownKey('p@ss word')).toBe('<not a valid key>');
    expect(shownPath('/api/v1/runs/*/bypass')).toBe('/api/v1/runs/*/bypass');
    expect(shownPath('/hooks/T0A1B2C3D4E5F6G7H8')).toBe('/hooks/…');
  });
});
