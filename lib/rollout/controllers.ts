import type { Manifest } from './cluster-dist';
import type { Condition, LiveObject } from './health';
import { BootstrapPlanData, configureVault, FixturePlanData, kubernetesLogin, readProperty, seedFixtures, VaultState } from './vault';

/**
 * The in-cluster controllers of the simulation: ESO (store validation, ExternalSecret
 * reconciliation), the Kubernetes Job and Deployment controllers (a pod runs only when everything it
 * mounts or reads exists), the ingress controller, and what the Jobs secretops renders do when they
 * run (the Vault bootstrap scripts, the secret readiness gate). Each writes status into live objects;
 * Argo CD's health rules (health.ts) read it back.
 */

export interface ClusterState {
  readonly live: Map<string, LiveObject>;
  /** `<namespace>/<name>` -> keys of Kubernetes Secrets (ESO's targets and the runbook's token Secret). */
  readonly secrets: Map<string, Set<string>>;
  readonly namespaces: Set<string>;
  /** `<namespace>/<name>` of ServiceAccounts (Helm-installed and applied). */
  readonly serviceAccounts: Set<string>;
  readonly vault: VaultState;
  /** Whether an ingress controller serves the cluster's IngressClass and publishes addresses. */
  readonly ingressController: boolean;
}

export function objectKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`;
}

export function describe(m: Manifest, namespace: string | undefined): string {
  return `${m.kind} ${namespace ? `${namespace}/` : ''}${m.metadata.name}`;
}

function setReady(obj: LiveObject, ok: boolean, reason: string, message: string): boolean {
  const next: Condition = { type: 'Ready', status: ok ? 'True' : 'False', reason, message };
  const prev = obj.status.conditions?.find((c) => c.type === 'Ready');
  if (prev && prev.status === next.status && prev.message === next.message) return false;
  obj.status.conditions = [next];
  return true;
}

interface VaultProvider {
  readonly server?: string;
  readonly path?: string;
  readonly caProvider?: { readonly type?: string; readonly name: string; readonly key?: string; readonly namespace?: string };
  readonly auth?: { readonly kubernetes?: { readonly mountPath?: string; readonly role?: string; readonly serviceAccountRef?: { readonly name: string; readonly namespace?: string } } };
}

function vaultProvider(store: Manifest): VaultProvider | undefined {
  return (store.spec as { provider?: { vault?: VaultProvider } } | undefined)?.provider?.vault;
}

function mayReviewTokens(state: ClusterState, namespace: string, name: string): boolean {
  for (const o of state.live.values()) {
    const m = o.manifest as Manifest & { roleRef?: { name?: string }; subjects?: { kind: string; name: string; namespace?: string }[] };
    if (m.kind !== 'ClusterRoleBinding' || m.roleRef?.name !== 'system:auth-delegator') continue;
    if ((m.subjects ?? []).some((s) => s.kind === 'ServiceAccount' && s.name === name && s.namespace === namespace)) return true;
  }
  return false;
}

/** ESO's Vault provider login for a store: the token's policies, or why it fails. */
function storeLogin(state: ClusterState, store: LiveObject, storeNamespace: string | undefined): { policies: readonly string[]; kvMount: string } | { error: string } {
  const v = vaultProvider(store.manifest);
  const k = v?.auth?.kubernetes;
  if (!v || !k?.serviceAccountRef) return { error: 'only Vault stores with kubernetes auth and a serviceAccountRef are modelled' };
  const caError = caProblem(state, v, storeNamespace);
  if (caError) return { error: caError };
  const sa = { name: k.serviceAccountRef.name, namespace: k.serviceAccountRef.namespace ?? storeNamespace ?? '' };
  const r = kubernetesLogin(state.vault, {
    authMount: k.mountPath ?? 'kubernetes',
    role: k.role ?? '',
    serviceAccount: sa,
    serviceAccountExists: state.serviceAccounts.has(`${sa.namespace}/${sa.name}`),
    mayReviewTokens: mayReviewTokens(state, sa.namespace, sa.name),
  });
  return 'error' in r ? r : { policies: r.policies, kvMount: v.path ?? 'secret' };
}

/**
 * A store with `caProvider` reads the CA bundle from that Secret (or ConfigMap) before it can talk
 * TLS to Vault; a missing object or key fails the store's client.
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/ (caProvider)
 * @see https://github.com/external-secrets/external-secrets/blob/main/providers/v1/vault/client_tls.go
 */
function caProblem(state: ClusterState, v: VaultProvider, storeNamespace: string | undefined): string | undefined {
  const ca = v.caProvider;
  if (!ca || (ca.type ?? 'Secret') !== 'Secret') return undefined;
  const at = `${ca.namespace ?? storeNamespace ?? ''}/${ca.name}`;
  const keys = state.secrets.get(at);
  if (!keys) return `failed to get caProvider secret ${at}: not found`;
  if (ca.key && !keys.has(ca.key)) return `failed to get caProvider secret ${at}: no key ${ca.key}`;
  return undefined;
}

/**
 * ESO's store controller validates a store by logging in (ClusterSecretStore with a namespaced
 * serviceAccountRef) and sets Ready=True (reason Valid) or Ready=False (ValidationFailed).
 * @see https://github.com/external-secrets/external-secrets/blob/main/pkg/controllers/secretstore/common.go
 * @see https://github.com/external-secrets/external-secrets/blob/main/providers/v1/vault/validate.go
 */
function reconcileStore(state: ClusterState, obj: LiveObject): boolean {
  const r = storeLogin(state, obj, obj.manifest.metadata.namespace);
  return 'error' in r ? setReady(obj, false, 'ValidationFailed', `unable to validate store: ${r.error}`) : setReady(obj, true, 'Valid', 'store validated');
}

/**
 * ESO's ExternalSecret controller: find the store, log in, read every remoteRef; on success write the
 * target Secret with every secretKey and set Ready=True (SecretSynced) and
 * `syncedResourceVersion: <generation>-<hash>`; otherwise Ready=False (SecretSyncedError).
 * @see https://github.com/external-secrets/external-secrets/blob/main/pkg/controllers/externalsecret/externalsecret_controller.go
 */
function reconcileExternalSecret(state: ClusterState, obj: LiveObject): boolean {
  const m = obj.manifest;
  const ns = m.metadata.namespace!;
  const spec = (m.spec ?? {}) as {
    secretStoreRef?: { name: string; kind?: string };
    target?: { name?: string; template?: { data?: Record<string, string>; mergePolicy?: string } };
    data?: { secretKey: string; remoteRef: { key: string; property?: string } }[];
  };
  const ref = spec.secretStoreRef;
  const kind = ref?.kind ?? 'SecretStore';
  const store = ref ? state.live.get(objectKey(kind, kind === 'SecretStore' ? ns : undefined, ref.name)) : undefined;
  const fail = (message: string) => setReady(obj, false, 'SecretSyncedError', message);
  if (!store) return fail(`could not get ${kind} "${ref?.name ?? ''}": not found`);
  const login = storeLogin(state, store, store.manifest.metadata.namespace);
  if ('error' in login) return fail(`could not get secret data from provider: ${login.error}`);
  for (const d of spec.data ?? []) {
    const err = readProperty(state.vault, login.policies, login.kvMount, d.remoteRef.key, d.remoteRef.property ?? d.secretKey);
    if (err) return fail(`error processing spec.data[${d.secretKey}]: ${err}`);
  }
  const target = `${ns}/${spec.target?.name ?? m.metadata.name}`;
  const keys = targetKeys(spec.data ?? [], spec.target?.template);
  const had = state.secrets.get(target);
  const changedSecret = !had || had.size !== keys.size || [...keys].some((k) => !had.has(k));
  if (changedSecret) state.secrets.set(target, keys);
  const version = `${obj.generation}-synced`;
  const changedVersion = obj.status.syncedResourceVersion !== version;
  obj.status.syncedResourceVersion = version;
  return setReady(obj, true, 'SecretSynced', 'secret synced') || changedSecret || changedVersion;
}

/**
 * The keys ESO writes into the target Secret. With `target.template.data`, the template's keys are
 * written; `mergePolicy: Merge` keeps the fetched `data` keys beside them, `Replace` (the default)
 * writes the template's keys only.
 * @see https://external-secrets.io/latest/guides/templating/ (mergePolicy)
 * @see https://github.com/external-secrets/external-secrets/blob/main/pkg/controllers/externalsecret/externalsecret_controller_template.go
 */
function targetKeys(data: readonly { secretKey: string }[], template: { data?: Record<string, string>; mergePolicy?: string } | undefined): Set<string> {
  const fetched = data.map((d) => d.secretKey);
  if (!template?.data) return new Set(fetched);
  const templated = Object.keys(template.data);
  return new Set(template.mergePolicy === 'Merge' ? [...fetched, ...templated] : templated);
}

export interface PodSpec {
  readonly serviceAccountName?: string;
  readonly volumes?: { readonly name: string; readonly configMap?: { readonly name: string }; readonly secret?: { readonly secretName: string; readonly items?: { readonly key: string }[]; readonly optional?: boolean } }[];
  readonly containers?: {
    readonly env?: { readonly name: string; readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string; readonly optional?: boolean } } }[];
    readonly envFrom?: { readonly secretRef?: { readonly name: string; readonly optional?: boolean } }[];
  }[];
}

function configMapData(state: ClusterState, ns: string, name: string): Record<string, string> | undefined {
  const cm = state.live.get(objectKey('ConfigMap', ns, name));
  return cm ? ((cm.manifest as { data?: Record<string, string> }).data ?? {}) : undefined;
}

/**
 * Why the kubelet cannot start the pod (it waits in ContainerCreating or CreateContainerConfigError
 * until what it mounts or reads exists), or undefined.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
 */
export function podProblem(state: ClusterState, ns: string, pod: PodSpec): string | undefined {
  const sa = pod.serviceAccountName ?? 'default';
  if (sa !== 'default' && !state.serviceAccounts.has(`${ns}/${sa}`)) return `serviceaccount "${sa}" not found`;
  for (const v of pod.volumes ?? []) {
    if (v.configMap && !configMapData(state, ns, v.configMap.name)) return `configmap "${v.configMap.name}" not found`;
    if (v.secret && !v.secret.optional) {
      const keys = state.secrets.get(`${ns}/${v.secret.secretName}`);
      if (!keys) return `secret "${v.secret.secretName}" not found`;
      const missing = (v.secret.items ?? []).map((i) => i.key).filter((k) => !keys.has(k));
      if (missing.length > 0) return `secret "${v.secret.secretName}" has no key ${missing.join(', ')}`;
    }
  }
  for (const c of pod.containers ?? []) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref || ref.optional) continue;
      const keys = state.secrets.get(`${ns}/${ref.name}`);
      if (!keys) return `secret "${ref.name}" not found (env ${e.name})`;
      if (!keys.has(ref.key)) return `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`;
    }
    for (const e of c.envFrom ?? []) {
      if (e.secretRef && !e.secretRef.optional && !state.secrets.has(`${ns}/${e.secretRef.name}`)) return `secret "${e.secretRef.name}" not found`;
    }
  }
  return undefined;
}

/** The data of every ConfigMap the pod mounts, merged (the Jobs' scripts, plans and fixture maps). */
function mountedData(state: ClusterState, ns: string, pod: PodSpec): Record<string, string> {
  return Object.assign({}, ...(pod.volumes ?? []).filter((v) => v.configMap).map((v) => configMapData(state, ns, v.configMap!.name) ?? {}));
}

/** The production bootstrap Job reads its token from a mounted Secret named by BOOTSTRAP_TOKEN_FILE. */
export function isProductionBootstrap(pod: PodSpec): boolean {
  return (pod.containers ?? []).some((c) => (c.env ?? []).some((e) => e.name === 'BOOTSTRAP_TOKEN_FILE'));
}

/**
 * What a Job's program does, by what it mounts: the Vault bootstrap (its `bootstrap.json` plan),
 * dev or production (docs/vault-bootstrap.md), or the secret readiness gate (`gate.sh`, which waits
 * for named Secrets and keys). Any other Job succeeds once its pod starts. Returns an error message
 * when the run fails.
 */
function runProgram(state: ClusterState, ns: string, pod: PodSpec): string | undefined {
  const data = mountedData(state, ns, pod);
  const vault = state.vault;
  if (data['bootstrap.json'] !== undefined) {
    const plan = JSON.parse(data['bootstrap.json']) as BootstrapPlanData;
    if (isProductionBootstrap(pod)) {
      // production-script.ts: never initializes or unseals; stops on 501 and 503.
      if (!vault.initialized) return 'vault-bootstrap: Vault is not initialized: run the init ceremony (runbook step 2)';
      if (vault.sealed) return 'vault-bootstrap: Vault is sealed: KMS auto-unseal has not unsealed it (runbook step 1)';
      configureVault(vault, plan);
      return undefined;
    }
    // dev-script.ts: initializes with one key share and unseals with the key it stored.
    if (!vault.initialized) vault.initialized = true;
    vault.sealed = false;
    configureVault(vault, plan);
    if (data['fixtures.json'] !== undefined) {
      seedFixtures(vault, plan.kvMount, JSON.parse(data['fixtures.json']) as FixturePlanData);
    }
    return undefined;
  }
  if (data['gate.sh'] !== undefined) {
    // gate-script.ts: one `check_secret 'NAME' 'KEY'...` line per target Secret.
    for (const m of data['gate.sh'].matchAll(/check_secret ((?:'[^']*' ?)+);/g)) {
      const [name, ...keys] = [...m[1]!.matchAll(/'([^']*)'/g)].map((x) => x[1]!);
      const have = state.secrets.get(`${ns}/${name}`);
      if (!have) return `secret-gate: Secret ${ns}/${name} does not exist`;
      const missing = keys.filter((k) => !have.has(k));
      if (missing.length > 0) return `secret-gate: Secret ${ns}/${name} lacks ${missing.join(', ')}`;
    }
  }
  return undefined;
}

function reconcileJob(state: ClusterState, obj: LiveObject): boolean {
  if (obj.status.job === 'Complete') return false;
  const ns = obj.manifest.metadata.namespace!;
  const pod = ((obj.manifest.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ?? {}) as PodSpec;
  const problem = podProblem(state, ns, pod);
  const message = problem ? `pod cannot start: ${problem}` : runProgram(state, ns, pod);
  if (message === undefined) {
    obj.status.job = 'Complete';
    delete obj.status.message;
    return true;
  }
  // Retried by the Job controller (backoffLimit) and by Argo CD (syncPolicy.retry): not Failed while
  // the simulation can still change what it waits for; where the rollout stops, the message says why.
  const changed = obj.status.message !== message;
  obj.status.message = message;
  return changed;
}

function reconcileDeployment(state: ClusterState, obj: LiveObject): boolean {
  const pod = ((obj.manifest.spec as { template?: { spec?: PodSpec } } | undefined)?.template?.spec ?? {}) as PodSpec;
  const problem = podProblem(state, obj.manifest.metadata.namespace!, pod);
  const available = problem === undefined;
  const message = problem ? `pods cannot start: ${problem}` : undefined;
  if (obj.status.available === available && obj.status.message === message) return false;
  obj.status.available = available;
  if (message) obj.status.message = message;
  else delete obj.status.message;
  return true;
}

/** Runs every controller until nothing changes (the order of reconciles does not matter at the fixpoint). */
export function reconcile(state: ClusterState): void {
  for (let round = 0; round < 50; round++) {
    let changed = false;
    for (const obj of state.live.values()) {
      switch (obj.manifest.kind) {
        case 'ClusterSecretStore':
        case 'SecretStore':
          changed = reconcileStore(state, obj) || changed;
          break;
        case 'ExternalSecret':
          changed = reconcileExternalSecret(state, obj) || changed;
          break;
        case 'Job':
          changed = reconcileJob(state, obj) || changed;
          break;
        case 'Deployment':
          changed = reconcileDeployment(state, obj) || changed;
          break;
        case 'Ingress':
          if (obj.status.loadBalancer !== state.ingressController) {
            obj.status.loadBalancer = state.ingressController;
            changed = true;
          }
          break;
        default:
          break;
      }
    }
    if (!changed) return;
  }
  throw new Error('rollout simulation: controllers did not settle after 50 rounds');
}
