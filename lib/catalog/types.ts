import type { ExternalSecretPolicy } from './external-secret-policy';
/**
 * The `services.yaml` contract (apiVersion `secretops.dev/v1alpha1`, kind `ServiceCatalog`).
 * Field names are public: add optional fields, never rename. The JSON Schema in
 * `services.schema.json` is the source of truth for shapes; these types mirror it.
 */

export const CATALOG_API_VERSION = 'secretops.dev/v1alpha1';
export const CATALOG_KIND = 'ServiceCatalog';

export type Tier = 'production' | 'staging' | 'dev' | 'ci' | 'ephemeral';
export const TIERS: readonly Tier[] = ['production', 'staging', 'dev', 'ci', 'ephemeral'];

/** Tiers whose Vault holds real values and is never seeded with fixtures. */
export function isProductionTier(tier: Tier): boolean {
  return tier === 'production';
}

export type ServiceScope = 'environment' | 'infrastructure-singleton';
/** platform (L1) reaches workloads through Vault; project (L2) lives in GitHub; user (L3) is never rendered. */
export type SecretLevel = 'platform' | 'project' | 'user';

export interface ServiceCatalog {
  readonly apiVersion: typeof CATALOG_API_VERSION;
  readonly kind: typeof CATALOG_KIND;
  readonly metadata: { readonly name: string };
  readonly spec: CatalogSpec;
}

export interface CatalogSpec {
  readonly vault: VaultSpec;
  readonly clusters?: readonly ClusterSpec[];
  readonly environments: readonly EnvironmentSpec[];
  readonly secretResolution?: SecretResolutionSpec;
  readonly externalSecrets?: ExternalSecretDefaults;
  readonly accessKeys?: AccessKeySpec;
  readonly github?: GithubSpec;
  readonly argocd?: ArgoCdSpec;
  /**
   * Container images, each pinned `tag@sha256:digest`. One place for every image synth renders.
   * @default - lib/catalog/images.ts (DEFAULT_IMAGES); `spec.vault.bootstrap.image` still wins for the bootstrap
   */
  readonly images?: ImagesSpec;
  /**
   * Pod Security Admission level enforced on every namespace synth renders
   * (`pod-security.kubernetes.io/enforce`); `warn` and `audit` are always `restricted`, so a looser
   * level still reports what would break under the strict one.
   * @default "restricted"
   * @see https://kubernetes.io/docs/concepts/security/pod-security-admission/
   */
  readonly podSecurity?: 'restricted' | 'baseline' | 'privileged';
  readonly services: readonly ServiceSpec[];
}

/** Image overrides. Pin each as `registry/name:tag@sha256:<digest>` (docs/images.md says how to update). */
export interface ImagesSpec {
  /** Runs the Vault bootstrap scripts: needs sh, curl, jq and openssl. */
  readonly bootstrap?: string;
  /** Runs the readiness gate: needs sh, curl and jq. */
  readonly readinessGate?: string;
  readonly oauth2Proxy?: string;
}

/**
 * Who may sign in through an OAuth client (oauth2-proxy's GitHub provider). At least one field.
 * @see https://oauth2-proxy.github.io/oauth2-proxy/configuration/providers/github/
 */
export interface SignInSpec {
  /** Members of this GitHub organization (`--github-org`). */
  readonly githubOrg?: string;
  /** Members of any of these teams: slugs of `githubOrg`, or `org:team` (`--github-team`). */
  readonly githubTeams?: readonly string[];
  /** Collaborators with push access to this `owner/name` repository (`--github-repo`). */
  readonly githubRepository?: string;
  /** These GitHub users, whatever org, team or repository says (`--github-user`). */
  readonly githubUsers?: readonly string[];
}

/** Where Argo CD reads `dist/` from and where the generated ApplicationSets and Applications live. */
export interface ArgoCdSpec {
  /** @default `https://github.com/<spec.github.repository>.git` */
  readonly repoURL?: string;
  /** @default "HEAD" */
  readonly targetRevision?: string;
  /** Folder of the synthesized output inside the repository. @default "dist" */
  readonly path?: string;
  /**
   * Argo CD project of the generated Applications. Unset, synth renders a dedicated AppProject
   * (named after `metadata.name`) limited to this repository and the catalog's clusters; set, the
   * named project is used as is and no AppProject is rendered.
   * @default - a dedicated AppProject named `metadata.name`
   */
  readonly project?: string;
  /** Namespace Argo CD runs in. @default "argocd" */
  readonly namespace?: string;
}

export interface VaultSpec {
  readonly server: string;
  readonly namespace: string;
  readonly kvMount: string;
  readonly authMount: string;
  /** Name of the ClusterSecretStore. */
  readonly store: string;
  /**
   * Vault Kubernetes-auth role that External Secrets Operator logs in with.
   * @default "external-secrets"
   */
  readonly role?: string;
  /**
   * Service account ESO authenticates as.
   * @default { name: "external-secrets", namespace: "external-secrets" }
   */
  readonly serviceAccount?: { readonly name: string; readonly namespace: string };
  /** Path templates relative to the KV mount. @see VaultPathLayout */
  readonly paths?: Partial<VaultPathLayout>;
  /** Production seal configuration (KMS auto-unseal), rendered for the Vault Helm chart. */
  readonly seal?: VaultSealSpec;
  /** Bootstrap Job/CronJob settings. */
  readonly bootstrap?: VaultBootstrapSpec;
  /**
   * Which namespaces may read which Vault paths. `environment`: one ClusterSecretStore per
   * environment (`<store>-<environment>`), usable only from that environment's namespaces, logging in
   * with a role whose policies cover only that environment's paths; and one per namespace of
   * infrastructure singletons (`<store>-<namespace>`). `shared`: the single store `<store>` whose role
   * reads every path (any namespace that can create an ExternalSecret reads everything).
   * @default "environment"
   */
  readonly isolation?: 'environment' | 'shared';
  /** TLS towards Vault: the CA the stores and bootstrap trust, and the listener's certificate. */
  readonly tls?: VaultTlsSpec;
  /**
   * Let a production-tier cluster talk to Vault over `http://`. Tokens and every secret then cross
   * the network in clear text: only for a Vault reached over a sidecar or mesh that encrypts.
   * @default false
   */
  readonly allowPlaintextProduction?: boolean;
}

export interface VaultTlsSpec {
  /**
   * The CA bundle that signs Vault's certificate (ESO `caProvider`); also mounted into the bootstrap.
   * @default { type: "Secret", name: "vault-tls", key: "ca.crt", namespace: spec.vault.namespace }
   */
  readonly caProvider?: { readonly type: 'Secret' | 'ConfigMap'; readonly name: string; readonly key: string; readonly namespace?: string };
  /**
   * Secret in the Vault namespace with `tls.crt` and `tls.key` of the production listener (the Vault
   * Helm chart mounts it at /vault/userconfig/<name>/).
   * @default "vault-tls"
   */
  readonly certSecret?: string;
}

/**
 * Where secrets live in the KV v2 mount. Placeholders: `{environment}`, `{service}`, `{secret}`,
 * `{cluster}`.
 */
export interface VaultPathLayout {
  /** @default "{environment}/{service}" */
  readonly environment: string;
  /** @default "shared/{service}" */
  readonly shared: string;
}

export interface VaultSealSpec {
  readonly type: 'awskms' | 'gcpckms' | 'azurekeyvault' | 'transit';
  /** Non-secret seal stanza settings (region, key id, key ring...). Credentials come from workload identity. */
  readonly config: Readonly<Record<string, string>>;
}

export interface VaultBootstrapSpec {
  readonly image?: string;
  readonly schedule?: string;
  /** Secret holding the scoped production bootstrap token (provisioned out of band). */
  readonly tokenSecretName?: string;
  readonly tokenSecretKey?: string;
}

export interface ClusterSpec {
  readonly name: string;
  /** Which ingress controller's external-auth adapter to render. @default "nginx" */
  readonly ingress?: 'nginx' | 'traefik';
  readonly ingressClassName?: string;
  /**
   * Vault's address as this cluster reaches it; production-tier clusters need `https://` (see
   * `spec.vault.allowPlaintextProduction`).
   * @default - `spec.vault.server`
   */
  readonly vaultServer?: string;
}

export interface EnvironmentSpec {
  readonly name: string;
  readonly tier: Tier;
  readonly cluster: string;
  readonly domain: string;
  /** Number of slot instances `{name}-slot-1..N`. */
  readonly slots?: number;
  /** Allow run-scoped bypass routes in this environment (always allowed in ephemeral tiers). */
  readonly allowBypass?: boolean;
  /** Require an approver before secrets are written by `secretops sync`. */
  readonly requireApproval?: boolean;
  /**
   * How this environment's ingresses authenticate: behind the cluster's oauth2-proxy instance for
   * this environment's OAuth client, or their own flow. A single service opts out with `ingress.public`.
   * @default "oauth2-proxy"
   */
  readonly ingressAuth?: 'oauth2-proxy' | 'none';
  /**
   * Who may sign in through the OAuth client serving this environment.
   * @default - the oauth2-proxy service's `signIn`, else collaborators of `spec.github.repository`
   */
  readonly signIn?: SignInSpec;
}

export interface SecretResolutionSpec {
  readonly environmentAliases?: Readonly<Record<string, string>>;
  readonly keyOverrides?: Readonly<Record<string, { readonly overrideKeys: Readonly<Record<string, string>> }>>;
  readonly patterns?: readonly OverridePattern[];
}

export interface OverridePattern {
  readonly sourcePrefix: string;
  readonly excludeKeys?: readonly string[];
  readonly excludePrefixes?: readonly string[];
  readonly environments: readonly string[];
  /** Placeholders: `{key}`, `{prefix}`, `{name}` (key less prefix), `{ENV}` (environment, upper snake case). */
  readonly overrideTemplate: string;
}

/** Every field optional; the defaults are `DEFAULT_EXTERNAL_SECRET_POLICY` (lib/catalog/external-secret-policy.ts). */
export type ExternalSecretDefaults = Partial<ExternalSecretPolicy>;

export interface AccessKeySpec {
  /** @default "1h" */
  readonly defaultTtl?: string;
  /** @default "24h" */
  readonly maxTtl?: string;
}

export interface GithubSpec {
  /** `owner/name` of the project repository that holds project-level secrets. */
  readonly repository?: string;
}

export interface ServiceSpec {
  readonly name: string;
  readonly scope: ServiceScope;
  /** @default the service name for `environment` scope; `platform` for singletons */
  readonly namespace?: string;
  readonly secrets: readonly SecretSpec[];
  readonly ingress?: ServiceIngressSpec;
  /**
   * Whether the entry runs in a cluster. `false` for entries that only declare CI/GitHub
   * (project-level) secrets.
   * @default true
   */
  readonly workload?: boolean;
  /** Runs database migrations: gets a readiness gate by default. */
  readonly migrations?: boolean;
  readonly readiness?: { readonly gate?: 'hook' | 'init-container' | 'none'; readonly timeout?: string };
  readonly externalSecrets?: ExternalSecretDefaults;
  readonly description?: string;
  /**
   * For the oauth2-proxy singleton: who may sign in through each of its OAuth clients, unless the
   * environment says otherwise.
   * @default - collaborators of `spec.github.repository` when the catalog sets it; otherwise refused
   */
  readonly signIn?: SignInSpec;
}

export interface ServiceIngressSpec {
  /** Host prefix: the ingress host is `{host}.{domain}`. */
  readonly host: string;
  readonly port: number;
  /** Paths that bypass oauth2-proxy in AI slots, guarded by run-scoped access keys. */
  readonly bypassPaths?: readonly string[];
  /**
   * Serve this ingress without oauth2-proxy in front, in every environment (for a service with its
   * own login, such as an identity provider).
   * @default false
   */
  readonly public?: boolean;
}

export interface SecretSpec {
  /** The Kubernetes Secret that workloads reference. */
  readonly name: string;
  readonly level: SecretLevel;
  readonly keys: readonly KeySpec[];
  readonly description?: string;
  /** For project-level secrets: where GitHub keeps them. @default "environment" */
  readonly github?: { readonly scope?: 'environment' | 'repository' };
}

export interface KeySpec {
  readonly name: string;
  /** A non-secret base value; refused on credential-like keys. */
  readonly default?: string;
  readonly optional?: boolean;
  readonly description?: string;
  /**
   * Where `secretops sync` writes this key on GitHub. `name` is the Actions secret name in every
   * environment; needed only where two keys would otherwise share one GitHub secret (the sync
   * refuses those; docs/sync.md, "GitHub names").
   * @default - the written key name (the environment override name where one applies)
   */
  readonly github?: { readonly name?: string };
}
