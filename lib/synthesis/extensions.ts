import type { Chart } from 'cdk8s';
import type { Stage } from '../constructs/metadata';
import type { Provenance } from '../constructs/provenance';
import type { IngressRoute } from '../../charts/chart-inputs';
import type { ClusterPlan, DistComponent, ServiceInstancePlan, SynthPlan } from './plan';

export type { IngressRoute } from '../../charts/chart-inputs';

/**
 * Extension points for constructs other parts of secretops add to synth (see docs/architecture.md).
 * The lead wires them in `BUILT_IN_EXTENSIONS`; tests can pass their own to `buildApp`.
 */

/** Given a service instance, the ingresses to render. */
export type IngressRoutes = (service: ServiceInstancePlan) => readonly IngressRoute[];

/**
 * One Ingress for `/` of each service that declares `ingress`: protected where the environment puts
 * its ingresses behind oauth2-proxy, public otherwise. Bypass routes (issue 8) compose with it:
 * `(s) => [...defaultIngressRoutes(s), ...bypassRoutes(s)]`.
 */
export const defaultIngressRoutes: IngressRoutes = (s) =>
  s.ingress ? [{ name: s.service.name, paths: [{ path: '/', pathType: 'Prefix' }], route: s.ingress.auth ? 'protected' : 'public' }] : [];

/** Adds a chart (one file) to a component folder; its objects get the component's provenance. */
export type AddChart = (component: DistComponent, file: string, provenance?: Partial<Provenance>) => Chart;

export interface ClusterHookContext {
  readonly plan: SynthPlan;
  readonly cluster: ClusterPlan;
  /** A cluster-wide component folder `dist/<cluster>/_cluster/<name>/` (an Argo CD Application) in `stage`. */
  component(name: string, stage: Stage, namespace?: string): DistComponent;
  readonly addChart: AddChart;
}

export interface ServiceInstanceHookContext {
  readonly plan: SynthPlan;
  readonly service: ServiceInstancePlan;
  /** Adds a chart to this service instance's own component folder (same Argo CD Application, so PreSync hooks run with it). */
  addChart(file: string, provenance?: Partial<Provenance>): Chart;
}

/** Runs once per cluster (e.g. the Vault bootstrap of issue 5). */
export type ClusterHook = (ctx: ClusterHookContext) => void;
/** Runs once per service instance (e.g. the readiness gates of issue 9). */
export type ServiceInstanceHook = (ctx: ServiceInstanceHookContext) => void;

export interface SynthExtensions {
  /** @default defaultIngressRoutes */
  readonly ingressRoutes?: IngressRoutes;
  /** @default - none */
  readonly clusterHooks?: readonly ClusterHook[];
  /** @default - none */
  readonly serviceInstanceHooks?: readonly ServiceInstanceHook[];
}
