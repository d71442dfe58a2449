import type { ReportModel } from '../model';

/** Everything, for other tools. Keys in a fixed order, so equal inputs give equal bytes. */
export function reportToJson(m: ReportModel): string {
  return JSON.stringify(m, null, 2) + '\n';
}
