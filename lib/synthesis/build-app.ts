import { App } from 'cdk8s';
import { ApplicationSetChart, ArgoCdHealthChart } from '../../charts/argocd-chart';
import { FoundationChart } from '../../charts/foundation-chart';
import { NamespacesChart } from '../../charts/namespaces-chart';
import { OAuth2ProxyChart } from '../../charts/oauth2-proxy-chart';
import { SecretopsChart } from '../../charts/secretops-chart';
import { SecretsChart } from '../../charts/secrets-chart';
import { ServiceIngressChart } from '../../charts/service-ingress-chart';
import { externalAuthAdapter } from '../constructs/external-auth';
import type { Stage } from '../constructs/metadata';
import { oauth2ProxyAuthTarget } from '../constructs/oauth2-proxy';
import type { Provenance } from '../constructs/provenance';
import { BUILT_IN_EXTENSIONS } from './built-in-extensions';
import { defaultIngressRoutes, SynthExtensions } from './extensions';
import { ARGOCD_FOLDER, clusterComponent, ClusterPlan, DistComponent, ServiceInstancePlan, SingletonPlan, SynthPlan } from './plan';

export interface BuiltApp {
  readonly app: App;
  readonly charts: readonly SecretopsChart[];
  /** Every component folder (Argo CD Application), in plan order. */
  readonly components: readonly DistComponent[];
}

/** What every part of the composition shares: the App, the charts and folders so far, and provenance. */
interface Composition {
  readonly app: App;
  readonly plan: SynthPlan;
  readonly ext: SynthExtensions;
  readonly storeName: string;
  /** Records a component folder once, in plan order. */
  register(component: DistComponent): void;
  track<T extends SecretopsChart>(chart: T): T;
  provenanceFor(component: DistComponent, base: Omit<Provenance, 'partOf' | 'distComponent' | 'stage'> & { stage?: Stage }): Provenance;
  addChart(component: DistComponent, file: string, provenance?: Partial<Provenance>): SecretopsChart;
}

/** Composes the charts for a plan. No I/O: `renderDist` turns the result into files. */
export function buildApp(plan: SynthPlan, ext: SynthExtensions = BUILT_IN_EXTENSIONS): BuiltApp {
  const app = new App({ outdir: 'unused' });
  const charts: SecretopsChart[] = [];
  const components: DistComponent[] = [];
  const seenComponents = new Set<string>();
  const { catalog, sourceName } = plan;
  const partOf = catalog.metadata.name;
  const c: Composition = {
    app,
    plan,
    ext,
    storeName: catalog.spec.vault.store,
    register(component) {
      if (!seenComponents.has(component.dir)) {
        seenComponents.add(component.dir);
        components.push(component);
      }
    },
    track(chart) {
      charts.push(chart);
      return chart;
    },
    provenanceFor: (component, base) => ({ partOf, distComponent: component.dir, stage: component.stage, cluster: component.cluster, ...base }),
    addChart(component, file, provenance = {}) {
      c.register(component);
      return c.track(
        new SecretopsChart(app, {
          file: `${component.dir}/${file}`,
          provenance: c.provenanceFor(component, { name: component.app, component: file.replace(/\.ya?ml$/, ''), source: `${sourceName}#/spec`, ...provenance }),
        }),
      );
    },
  };

  for (const cluster of plan.clusters) addCluster(c, cluster);
  c.track(
    new ArgoCdHealthChart(app, {
      file: `${ARGOCD_FOLDER}/argocd-cm.yaml`,
      provenance: { partOf, distComponent: ARGOCD_FOLDER, stage: 'foundation', name: 'argocd-cm', component: 'health-checks', source: `${sourceName}#/spec` },
      namespace: plan.argocd.namespace,
    }),
  );
  return { app, charts, components };
}

/** One cluster: its secret store and namespaces, singletons, service instances, cluster hooks and ApplicationSet. */
function addCluster(c: Composition, cluster: ClusterPlan): void {
  const { app, plan, storeName } = c;
  const { catalog, sourceName } = plan;
  const { model } = cluster;
  const clusterIndex = catalog.spec.clusters?.findIndex((x) => x.name === model.name) ?? -1;
  const clusterSource = clusterIndex >= 0 ? `${sourceName}#/spec/clusters/${clusterIndex}` : `${sourceName}#/spec/environments/${catalog.spec.environments.indexOf(model.environments[0]!)}`;

  c.register(cluster.foundation);
  c.track(
    new FoundationChart(app, {
      file: `${cluster.foundation.dir}/cluster-secret-store.yaml`,
      provenance: c.provenanceFor(cluster.foundation, { name: storeName, component: 'secret-store', source: `${sourceName}#/spec/vault` }),
      vault: catalog.spec.vault,
    }),
  );
  c.register(cluster.namespacesComponent);
  c.track(
    new NamespacesChart(app, {
      file: `${cluster.namespacesComponent.dir}/namespaces.yaml`,
      provenance: c.provenanceFor(cluster.namespacesComponent, { name: 'namespaces', component: 'namespace', source: clusterSource }),
      namespaces: cluster.namespaces,
    }),
  );

  for (const s of cluster.singletons) addSingleton(c, model, s);
  const adapter = externalAuthAdapter(model.ingress);
  for (const instance of cluster.instances) {
    for (const svc of instance.services) addServiceInstance(c, adapter, svc);
  }

  for (const hook of c.ext.clusterHooks ?? []) {
    hook({
      plan,
      cluster,
      component: (name, stage, namespace) => clusterComponent(model.name, name, stage, namespace),
      addChart: c.addChart,
    });
  }

  const argocdFolder: DistComponent = { dir: ARGOCD_FOLDER, app: 'argocd', cluster: model.name, stage: 'foundation' };
  c.track(
    new ApplicationSetChart(app, {
      file: `${ARGOCD_FOLDER}/applicationset-${model.name}.yaml`,
      provenance: { ...c.provenanceFor(argocdFolder, { name: `secretops-${model.name}`, component: 'applicationset', source: clusterSource }), distComponent: ARGOCD_FOLDER },
      argocd: plan.argocd,
      cluster: model.name,
    }),
  );
}

/** An infrastructure singleton: the oauth2-proxy Deployment, or the ExternalSecrets of any other singleton. */
function addSingleton(c: Composition, model: ClusterPlan['model'], s: SingletonPlan): void {
  const { app, storeName } = c;
  const { sourceName } = c.plan;
  c.register(s.component);
  const provenance = c.provenanceFor(s.component, {
    name: s.service.name,
    component: s.service.name,
    instance: s.name,
    source: `${sourceName}#${s.pointer}`,
    environment: s.environments.map((e) => e.name).join(','),
    ...(s.oauth ? { oauthClient: s.oauth.clientSourceKey } : {}),
  });
  if (s.oauth) {
    c.track(
      new OAuth2ProxyChart(app, {
        file: `${s.component.dir}/oauth2-proxy.yaml`,
        provenance,
        singleton: s,
        storeName,
        sourceName,
        ...(model.ingressClassName ? { ingressClassName: model.ingressClassName } : {}),
      }),
    );
  } else {
    c.track(
      new SecretsChart(app, {
        file: `${s.component.dir}/external-secrets.yaml`,
        provenance: { ...provenance, stage: 'secrets' },
        namespace: s.namespace,
        storeName,
        secrets: s.secrets,
        sourceName,
      }),
    );
  }
}

/** One service in one environment instance: its ExternalSecrets, its Ingresses, then the service-instance hooks. */
function addServiceInstance(c: Composition, adapter: ReturnType<typeof externalAuthAdapter>, svc: ServiceInstancePlan): void {
  const { app, plan, storeName } = c;
  const { sourceName } = plan;
  const ingressRoutes = c.ext.ingressRoutes ?? defaultIngressRoutes;
  const base = {
    name: svc.service.name,
    instance: `${svc.service.name}-${svc.instance.name}`,
    source: `${sourceName}#${svc.pointer}`,
    environment: svc.environment.name,
    environmentInstance: svc.instance.name,
  };
  if (svc.secrets.some((s) => s.vaultKeys.length > 0 || s.baseValues.length > 0)) {
    c.register(svc.component);
    c.track(
      new SecretsChart(app, {
        file: `${svc.component.dir}/external-secrets.yaml`,
        provenance: c.provenanceFor(svc.component, { ...base, component: 'secrets', stage: 'secrets' }),
        namespace: svc.namespace,
        storeName,
        secrets: svc.secrets,
        sourceName,
      }),
    );
  }
  const routes = svc.ingress ? ingressRoutes(svc) : [];
  if (svc.ingress && routes.length > 0) {
    const auth = svc.ingress.auth;
    c.register(svc.component);
    c.track(
      new ServiceIngressChart(app, {
        file: `${svc.component.dir}/ingress.yaml`,
        provenance: c.provenanceFor(svc.component, { ...base, component: 'ingress', stage: 'workloads' }),
        serviceName: svc.service.name,
        namespace: svc.namespace,
        ingress: svc.ingress,
        routes,
        adapter,
        ...(auth ? { authTarget: oauth2ProxyAuthTarget(auth.name, auth.namespace, `oauth2.${svc.environment.domain}`) } : {}),
        ...(auth?.oauth ? { oauthClient: auth.oauth.clientSourceKey } : {}),
      }),
    );
  }
  for (const hook of c.ext.serviceInstanceHooks ?? []) {
    hook({ plan, service: svc, addChart: (file, provenance = {}) => c.addChart(svc.component, file, { ...base, ...provenance }) });
  }
}
