import { touches } from './locate';
import { byCodePoint, InlineSuppressed } from './run-rules';
import type { Finding, ManifestDocument, RuleReport } from './types';

/**
 * Staged deletions in a `--staged` scan. Deleting a ClusterSecretStore, a Secret that workloads
 * read, or an ExternalSecret that provides one breaks committed files the commit does not touch;
 * those files are not scanned, so a finding on them would be dropped, and the break would show
 * only in the CI scan of the whole tree. The deleted file's HEAD version is summarized for the
 * project rules as a context file would be, and a rule that was handed one of its documents runs a
 * second time as before the deletion: a finding on an unscanned file is reported when that run
 * does not have it (same fingerprint: rule, file, object, pointer). What was already broken stays
 * out, as for any unchanged file, and a deletion no project rule reads costs nothing, not even
 * listing the index.
 */

/** One project rule's findings and what inline annotations suppressed (`runRulesDetailed`). */
export interface ProjectRun {
  readonly findings: Finding[];
  readonly suppressed: InlineSuppressed[];
}

export type KeepFinding = (finding: Finding, report: RuleReport) => boolean;

/**
 * Whether the deletions need the cross-file context read: a project rule was handed a document
 * of a deleted file, or a deleted file is one of the catalog's inputs (a fixtures file, which
 * rules read through the catalog and report on with `dueTo`).
 */
export function deletionsMatter(removed: Iterable<readonly ManifestDocument[]>, deletedPaths: readonly string[], catalogInputs: readonly string[] = []): boolean {
  for (const docs of removed) if (docs.length > 0) return true;
  return catalogInputs.some((p) => touches(deletedPaths, p));
}

/**
 * Runs one project rule over `docs` (the commit's tree). `removed` are its documents of deleted
 * files; with some, a finding `keep` would drop (outside the scanned files) is reported when a run
 * over `docs` plus `removed` (the tree before the deletions) does not give it. That second run
 * happens only when there is such a finding.
 */
export async function runWithDeletions(
  run: (docs: readonly ManifestDocument[], keep?: KeepFinding) => Promise<ProjectRun>,
  docs: readonly ManifestDocument[],
  removed: readonly ManifestDocument[],
  keep: KeepFinding | undefined,
): Promise<ProjectRun> {
  if (removed.length === 0 || !keep) return run(docs, keep);
  const candidates = new Set<Finding>();
  const after = await run(docs, (f, r) => keep(f, r) || (candidates.add(f), true));
  if (candidates.size === 0) return after;
  const before = await run([...docs, ...removed].sort(inPathOrder));
  const existed = new Set([...before.findings, ...before.suppressed.map((s) => s.finding)].map((f) => f.fingerprint));
  const caused = (f: Finding) => !candidates.has(f) || !existed.has(f.fingerprint);
  return { findings: after.findings.filter(caused), suppressed: after.suppressed.filter((s) => caused(s.finding)) };
}

/** Documents in path order, as a scan of the whole tree hands them over (the engine sorts its own so). */
export function inPathOrder(a: ManifestDocument, b: ManifestDocument): number {
  return byCodePoint(a.file.path, b.file.path) || a.index - b.index;
}
