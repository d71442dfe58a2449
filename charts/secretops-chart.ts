import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import type { Provenance } from '../lib/constructs/provenance';

export interface SecretopsChartProps {
  /** Where the chart's objects come from; stamped onto every object that does not say more precisely. */
  readonly provenance: Provenance;
  /** File the chart is written to, relative to `dist/`: `nonprod/ai-slot-1/agents/external-secrets.yaml`. */
  readonly file: string;
}

/**
 * Base of every secretops chart: one concern, one file in one component folder of `dist/`. Charts
 * never do I/O; the dist writer renders them. Names are explicit everywhere (no hash suffixes):
 * other objects and people refer to them.
 */
export class SecretopsChart extends Chart {
  public readonly provenance: Provenance;
  public readonly file: string;

  constructor(scope: Construct, props: SecretopsChartProps) {
    // Construct ids cannot contain "/": the file path with ":" separators is unique and readable.
    super(scope, props.file.replace(/\//g, ':'), { disableResourceNameHashes: true });
    this.provenance = props.provenance;
    this.file = props.file;
  }
}
