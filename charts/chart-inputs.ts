import type { ClusterModel } from '../lib/catalog/layout';
import type { EnvironmentSpec, SecretSpec, ServiceIngressSpec, ServiceSpec } from '../lib/catalog/types';
import type { ExternalSecretPolicy } from '../lib/catalog/external-secret-policy';
import type { Stage } from '../lib/constructs/metadata';
import type { IngressPathType } from '../lib/constructs/service-ingress';
import type { ResolutionTier } from '../lib/resolver/resolver';

export type { ExternalSecretPolicy } from '../lib/catalog/external-secret-policy';

/**
 * What the charts are given: the parts of the synthesis plan (lib/synthesis/plan.ts) each chart
 * renders. They live beside the charts, not in the planner, so imports run one way: synthesis
 * plans and composes charts; charts never import synthesis.
 */

/** One key of a Secret, read from Vault at the location the resolver chose. */
export interface VaultKeyRef {
  /** The key in the Kubernetes Secret: the catalog key name, whatever Vault key it comes from. */
  readonly secretKey: string;
  /** Path within the KV v2 mount (ESO `remoteRef.key`). */
  readonly remoteKey: string;
  /** Vault key (ESO `remoteRef.property`): the override key where one won. */
  readonly property: string;
  readonly tier: ResolutionTier;
  /** Catalog pointer of the key. */
  readonly pointer: string;
}

/** A key whose value is the catalog's non-secret `default`: rendered into a ConfigMap. */
export interface BaseValue {
  readonly key: string;
  readonly value: string;
  readonly pointer: string;
}

export interface SecretPlan {
  readonly spec: SecretSpec;
  /** `/spec/services/0/secrets/1`. */
  readonly pointer: string;
  /** Name of the Kubernetes Secret (and of its ExternalSecret). */
  readonly targetName: string;
  /** Name of the ConfigMap holding base values (only rendered when there are some). */
  readonly configMapName: string;
  readonly vaultKeys: readonly VaultKeyRef[];
  readonly baseValues: readonly BaseValue[];
  readonly policy: ExternalSecretPolicy;
}

/** One Argo CD Application: a folder of `dist/`. */
export interface DistComponent {
  /** Folder relative to `dist/`, e.g. `nonprod/ai-slot-1/agents`. */
  readonly dir: string;
  /** Application name. */
  readonly app: string;
  readonly cluster: string;
  readonly stage: Stage;
  /** Destination namespace for namespaced objects without one. */
  readonly namespace?: string;
}

export interface OAuthClientPlan {
  /** Catalog key names of the three credentials (also the keys of the Kubernetes Secret). */
  readonly clientIdKey: string;
  readonly clientSecretKey: string;
  readonly cookieSecretKey: string;
  /** The Vault key the client id is read from: names the OAuth client (`GITHUB_OAUTH_CLIENT_ID_AI`). */
  readonly clientSourceKey: string;
  /** Domains of the environments this client serves; cookie and whitelist domains cover them and every slot below them. */
  readonly domains: readonly string[];
  /** `oauth2.<domain>` per domain. */
  readonly hosts: readonly string[];
  readonly cookieName: string;
}

/**
 * An infrastructure singleton rendered once per cluster and set of credentials: environments on one
 * cluster whose keys resolve to the same Vault locations share an instance; others get their own.
 */
export interface SingletonPlan {
  readonly cluster: ClusterModel;
  readonly service: ServiceSpec;
  readonly pointer: string;
  /** `oauth2-proxy-ai`: the service name and the first environment the instance serves. */
  readonly name: string;
  readonly namespace: string;
  readonly environments: readonly EnvironmentSpec[];
  readonly secrets: readonly SecretPlan[];
  readonly component: DistComponent;
  /** Set for the oauth2-proxy singleton. */
  readonly oauth?: OAuthClientPlan;
}

export interface IngressPlan {
  readonly spec: ServiceIngressSpec;
  readonly host: string;
  readonly port: number;
  readonly className?: string;
  /** The oauth2-proxy instance that protects this ingress; undefined when the environment keeps its own flow. */
  readonly auth?: SingletonPlan;
}

export interface ArgoCdPlan {
  readonly repoURL: string;
  readonly targetRevision: string;
  readonly path: string;
  readonly project: string;
  readonly namespace: string;
}

/** One Ingress of a service instance. */
export interface IngressRoute {
  /** Name of the Ingress object (the first route uses the service name). */
  readonly name: string;
  readonly paths: readonly { readonly path: string; readonly pathType: IngressPathType }[];
  /**
   * `protected`: behind the instance's oauth2-proxy (external-auth annotations); `bypass`: run-scoped
   * access-key paths, no external auth, the service's middleware decides; `public`: the
   * environment's own flow (production).
   */
  readonly route: 'protected' | 'bypass' | 'public';
  /** Extra annotations for this Ingress (e.g. a controller's regex switch for bypass paths). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}
