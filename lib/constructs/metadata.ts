/**
 * The labels and annotations every object secretops synthesizes carries. They are a contract: the
 * scanner, the report and `secretops smoke` read them back, and reviewers trace objects with them.
 */
export const MANAGED_BY = 'secretops';

export const Labels = {
  name: 'app.kubernetes.io/name',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  component: 'app.kubernetes.io/component',
  instance: 'app.kubernetes.io/instance',
} as const;

export const Annotations = {
  /** The catalog entry an object came from: `services.yaml#/spec/services/3` (file and JSON pointer). */
  source: 'secretops.dev/source',
  cluster: 'secretops.dev/cluster',
  /** The canonical environment name (`ai`, not `ai-slot-2`). */
  environment: 'secretops.dev/environment',
  /** The environment instance: `ai-slot-2`, or the environment name when it has no slots. */
  instance: 'secretops.dev/instance',
  /** `platform` | `project` | `user` on objects that carry a catalog secret. */
  level: 'secretops.dev/level',
  /** On oauth2-proxy singleton objects: the source key of the OAuth client id (e.g. `GITHUB_OAUTH_CLIENT_ID_AI`). */
  oauthClient: 'secretops.dev/oauth-client',
  /** On ingresses: `protected` (behind oauth2-proxy), `bypass` (run-scoped access key paths), `public`. */
  route: 'secretops.dev/route',
  /** On bypass ingresses: the catalog's `ingress.bypassPaths` verbatim, comma-separated, for the scanner. */
  bypassPaths: 'secretops.dev/bypass-paths',
  /** Inline suppression: `<rule>[,<rule>] -- <reason>`. */
  ignore: 'secretops.dev/ignore',
  /** Marks generated files and objects. */
  generated: 'secretops.dev/generated',
  /** The `dist/` folder (Argo CD Application) an object is delivered by: `nonprod/ai-slot-1/agents`. */
  component: 'secretops.dev/component',
  /** Argo CD orders the objects of one Application by this wave (lowest first). */
  syncWave: 'argocd.argoproj.io/sync-wave',
} as const;

/** Label on generated Argo CD Applications: which delivery stage they belong to. */
export const STAGE_LABEL = 'secretops.dev/stage';

/**
 * Delivery stages, in order. Each maps to an Argo CD sync wave: inside one Application, objects of an
 * earlier stage are applied (and healthy) before later ones; across Applications the ApplicationSet's
 * progressive sync walks the stages in this order.
 */
export const STAGES = ['foundation', 'bootstrap', 'secrets', 'workloads'] as const;
export type Stage = (typeof STAGES)[number];

/** Sync wave of each stage. Workloads stay at Argo CD's default wave 0 so hand-written manifests need no annotation. */
export const STAGE_WAVES: Readonly<Record<Stage, number>> = {
  foundation: -30,
  bootstrap: -20,
  secrets: -10,
  workloads: 0,
};
