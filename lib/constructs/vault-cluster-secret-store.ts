import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeClusterRoleBinding, KubeServiceAccount } from './k8s';
import { DEFAULT_ESO_ROLE, DEFAULT_ESO_SERVICE_ACCOUNT } from '../catalog/layout';

/**
 * The subset of the ESO v1 `ClusterSecretStore` spec this construct renders (Vault provider, KV v2,
 * Kubernetes auth). Typed by hand: `cdk8s import` of the ClusterSecretStore CRD generates 1.1 MB of
 * TypeScript for every provider, which slows every typecheck for four fields we use. The tests
 * validate the output against the upstream ESO v1 JSON schema instead.
 * @see https://external-secrets.io/latest/provider/hashicorp-vault/
 */
export interface VaultClusterSecretStoreSpec {
  /** Namespaces allowed to use the store; ESO ignores ExternalSecrets elsewhere. */
  readonly conditions?: readonly { readonly namespaces: readonly string[] }[];
  readonly provider: {
    readonly vault: {
      readonly server: string;
      readonly caProvider?: VaultCaProvider;
      readonly path: string;
      readonly version: 'v2';
      readonly auth: {
        readonly kubernetes: {
          readonly mountPath: string;
          readonly role: string;
          readonly serviceAccountRef: { readonly name: string; readonly namespace: string };
        };
      };
    };
  };
}

/** Where ESO finds the CA bundle that signs Vault's certificate. */
export interface VaultCaProvider {
  readonly type: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key: string;
  readonly namespace: string;
}

export interface VaultClusterSecretStoreProps {
  /** Name of the ClusterSecretStore that every ExternalSecret references. */
  readonly name: string;
  /** Vault address, e.g. `http://vault.vault.svc:8200`. */
  readonly server: string;
  /** Mount path of the KV v2 engine (ESO `path`); ExternalSecret keys are relative to it. */
  readonly kvMount: string;
  /** Mount path of Vault's Kubernetes auth method. */
  readonly authMount: string;
  /**
   * Vault Kubernetes-auth role ESO logs in with.
   * @default "external-secrets"
   */
  readonly role?: string;
  /**
   * The service account ESO requests a token for and presents to Vault.
   * @default { name: "external-secrets", namespace: "external-secrets" }
   */
  readonly serviceAccount?: { readonly name: string; readonly namespace: string };
  /**
   * Render the ServiceAccount. The default account is the ESO controller's own, which ESO's Helm
   * chart creates; a dedicated account is rendered here.
   * @default - true unless `serviceAccount` is ESO's default account
   */
  readonly createServiceAccount?: boolean;
  /**
   * Namespaces that may use the store (ESO `spec.conditions[].namespaces`).
   * @default - every namespace
   * @see https://external-secrets.io/latest/api/clustersecretstore/
   */
  readonly namespaces?: readonly string[];
  /**
   * The CA bundle Vault's certificate is checked against; for an `https://` server.
   * @default - the system roots of the ESO image
   */
  readonly caProvider?: VaultCaProvider;
  /**
   * Render the ServiceAccount (as `createServiceAccount` says) and the `system:auth-delegator`
   * binding. Several stores on one cluster share one login account: only one renders them.
   * @default true
   */
  readonly renderLoginAccount?: boolean;
  /**
   * Name of the `system:auth-delegator` ClusterRoleBinding.
   * @default "<name>-token-review"
   */
  readonly tokenReviewBindingName?: string;
  /** Labels and annotations for every object. @default - none */
  readonly metadata?: Pick<ApiObjectMetadata, 'labels' | 'annotations'>;
}

/**
 * A Vault `ClusterSecretStore` with the Kubernetes auth method, plus what the login needs: the
 * service account and a `system:auth-delegator` binding, so Vault can use the presented token as the
 * reviewer JWT for TokenReview (Vault's "use the client's JWT" mode; no long-lived reviewer token).
 */
export class VaultClusterSecretStore extends Construct {
  public readonly name: string;
  public readonly role: string;
  public readonly serviceAccount: { readonly name: string; readonly namespace: string };
  public readonly createServiceAccount: boolean;
  public readonly store: ApiObject;

  constructor(scope: Construct, id: string, props: VaultClusterSecretStoreProps) {
    super(scope, id);
    this.name = props.name;
    this.role = props.role ?? DEFAULT_ESO_ROLE;
    this.serviceAccount = props.serviceAccount ?? DEFAULT_ESO_SERVICE_ACCOUNT;
    this.createServiceAccount =
      props.createServiceAccount ??
      !(this.serviceAccount.name === DEFAULT_ESO_SERVICE_ACCOUNT.name && this.serviceAccount.namespace === DEFAULT_ESO_SERVICE_ACCOUNT.namespace);
    const meta = props.metadata ?? {};

    if (props.namespaces && props.namespaces.length === 0) throw new Error(`VaultClusterSecretStore "${props.name}": 'namespaces' is empty; leave it unset for every namespace`);
    const spec: VaultClusterSecretStoreSpec = {
      ...(props.namespaces ? { conditions: [{ namespaces: [...props.namespaces] }] } : {}),
      provider: {
        vault: {
          server: props.server,
          ...(props.caProvider ? { caProvider: { ...props.caProvider } } : {}),
          path: props.kvMount,
          version: 'v2',
          auth: { kubernetes: { mountPath: props.authMount, role: this.role, serviceAccountRef: { ...this.serviceAccount } } },
        },
      },
    };
    this.store = new ApiObject(this, 'store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { ...meta, name: props.name },
      spec,
    });
    if (props.renderLoginAccount === false) return;
    if (this.createServiceAccount) {
      new KubeServiceAccount(this, 'service-account', { metadata: { ...meta, name: this.serviceAccount.name, namespace: this.serviceAccount.namespace } });
    }
    new KubeClusterRoleBinding(this, 'token-review', {
      metadata: { ...meta, name: props.tokenReviewBindingName ?? `${props.name}-token-review` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: this.serviceAccount.name, namespace: this.serviceAccount.namespace }],
    });
  }
}
