import type { Project } from '../project/load';
import type { ClusterModel } from '../catalog/layout';
import { devBootstrapScript } from './dev-script';
import { bootstrapPlan, BootstrapPlanOptions, bootstrapTokenPolicy, fixturePlan } from './plan';
import { DEFAULT_TOKEN_SECRET_KEY, DEFAULT_TOKEN_SECRET_NAME, productionBootstrapScript } from './production-script';

/** The files of one cluster's bootstrap, as they go into ConfigMaps: the script and its JSON inputs. */
export interface BootstrapFiles {
  /** `bootstrap.sh` */
  readonly script: string;
  /** `bootstrap.json`: the plan (mounts, policies, roles, required capabilities). */
  readonly plan: string;
}

export interface DevBootstrapFiles extends BootstrapFiles {
  /** `fixtures.json`: the fixture map (generation specs and non-secret literals only). */
  readonly fixtures: string;
}

const jsonText = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function devBootstrapFiles(project: Project, cluster: ClusterModel, opts: BootstrapPlanOptions = {}): DevBootstrapFiles {
  const { vault } = project.catalog.spec;
  return {
    script: devBootstrapScript({ vaultAddr: vault.server, namespace: vault.namespace }),
    plan: jsonText(bootstrapPlan(project, cluster, opts)),
    fixtures: jsonText(fixturePlan(project, cluster)),
  };
}

export interface ProductionTokenSecret {
  readonly name: string;
  readonly key: string;
}

/** The scoped token Secret: `spec.vault.bootstrap.tokenSecretName`/`tokenSecretKey` or the defaults. */
export function productionTokenSecret(project: Project): ProductionTokenSecret {
  const b = project.catalog.spec.vault.bootstrap;
  return { name: b?.tokenSecretName ?? DEFAULT_TOKEN_SECRET_NAME, key: b?.tokenSecretKey ?? DEFAULT_TOKEN_SECRET_KEY };
}

export interface ProductionBootstrapFiles extends BootstrapFiles {
  /** `bootstrap-policy.hcl`: the ACL policy to give the scoped bootstrap token (see the runbook). */
  readonly tokenPolicy: string;
}

export function productionBootstrapFiles(
  project: Project,
  cluster: ClusterModel,
  opts: BootstrapPlanOptions & { readonly tokenSecret?: ProductionTokenSecret } = {},
): ProductionBootstrapFiles {
  const { vault } = project.catalog.spec;
  const token = opts.tokenSecret ?? productionTokenSecret(project);
  const plan = bootstrapPlan(project, cluster, opts);
  return {
    script: productionBootstrapScript({
      vaultAddr: vault.server,
      tokenSecretNamespace: vault.namespace,
      tokenSecretName: token.name,
      tokenSecretKey: token.key,
    }),
    plan: jsonText(plan),
    tokenPolicy: bootstrapTokenPolicy(plan),
  };
}
