// Wiring only: `cdk8s synth` runs this. Load and validate the catalog, build the App, synthesize.
import { synthesizeCatalog } from './lib/synthesis/synthesize';
import { reportFatal } from './lib/cli/fatal';
import { formatDiagnostic } from './lib/errors';

try {
  const result = synthesizeCatalog({ servicesFile: process.env.SECRETOPS_SERVICES ?? 'services.yaml', outdir: process.env.CDK8S_OUTDIR ?? 'dist' });
  for (const w of result.warnings) process.stderr.write(`warning: ${formatDiagnostic(w)}\n`);
} catch (err) {
  process.exitCode = reportFatal(err);
}
