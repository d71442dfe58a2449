import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

/** Whether a file is a chart's values file (`values.yaml`, `values-prod.yml`, ...) by its name. */
export function isHelmValuesName(path: string): boolean {
  return /^values[^/]*\.ya?ml$/i.test(basename(path));
}

/** A values file is Helm values when its chart's Chart.yaml is scanned or on disk beside it. */
export function chartBeside(path: string, scanned: ReadonlySet<string>, cwd: string): boolean {
  const chart = `${dirname(path) === '.' ? '' : `${dirname(path)}/`}Chart.yaml`;
  return scanned.has(chart) || existsSync(resolve(cwd, chart));
}

/** What a file's cached outcome depends on besides its bytes and the scope: whether it is Helm values. */
export function helmKey(path: string, scanned: ReadonlySet<string>, cwd: string): string {
  return isHelmValuesName(path) && chartBeside(path, scanned, cwd) ? 'helm-values' : '';
}

