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
  readonly services: readonly ServiceSpec[];
}

/** Where Argo CD reads `dist/` from and where the generated ApplicationSets and Applications live. */
export interface ArgoCdSpec {
  /** @default `https://github.com/<spec.github.repository>.git` */
  readonly repoURL?: string;
  /** @default "HEAD" */
  readonly targetRevision?: string;
  /** Folder of the synthesized output inside the repository. @default "dist" */
  readonly path?: string;
  /** @default "default" */
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
   * this environment's OAuth client, or their own flow.
   * @default "oauth2-proxy" for non-production tiers, "none" for production
   */
  readonly ingressAuth?: 'oauth2-proxy' | 'none';
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
}

export interface ServiceIngressSpec {
  /** Host prefix: the ingress host is `{host}.{domain}`. */
  readonly host: string;
  readonly port: number;
  /** Paths that bypass oauth2-proxy in AI slots, guarded by run-scoped access keys. */
  readonly bypassPaths?: readonly string[];
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
}
