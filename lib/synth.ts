import { App } from 'cdk8s';
import { loadProject } from './catalog/load';

export interface SynthOptions {
  readonly servicesFile: string;
  readonly fixturesDir?: string;
  readonly outdir: string;
  /** Directory the catalog path is shown relative to in annotations. @default process.cwd() */
  readonly cwd?: string;
}

/** Validates the catalog (stopping on errors) and synthesizes every chart into `outdir`. */
export function synthesizeCatalog(opts: SynthOptions): void {
  loadProject({ servicesFile: opts.servicesFile, fixturesDir: opts.fixturesDir });
  const app = new App({ outdir: opts.outdir });
  app.synth();
}
