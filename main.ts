// Wiring only: `cdk8s synth` runs this. Load and validate the catalog, build the App, synthesize.
import { synthesizeCatalog } from './lib/synthesis/synthesize';
import { reportFatal } from './lib/cli/fatal';

try {
  synthesizeCatalog({ servicesFile: process.env.SECRETOPS_SERVICES ?? 'services.yaml', outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
} catch (err) {
  process.exitCode = reportFatal(err);
}
