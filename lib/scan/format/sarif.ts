import type { ScanResult, Severity } from '../types';

export interface SarifOptions {
  /** Help text (markdown) per rule id, usually the rule's README. Falls back to the remediation. */
  readonly help?: Readonly<Record<string, string>>;
  readonly toolVersion?: string;
  /** Where rule docs live online; `helpUri` is this joined with the rule's docs path. */
  readonly docsBaseUri?: string;
}

const LEVEL: Record<Severity, 'error' | 'warning'> = { error: 'error', warning: 'warning' };

/** A URI reference relative to `%SRCROOT%`: each path segment percent-encoded, `/` kept. */
function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. Locations are relative to
 * `%SRCROOT%` (the repository root when the scan runs there); `partialFingerprints` carry the
 * finding's stable fingerprint so alerts survive unrelated edits. No timestamps: same input, same
 * bytes.
 */
export function formatSarif(result: ScanResult, opts: SarifOptions = {}): string {
  const ids = new Map(result.rules.map((r, i) => [r.id, i]));
  // Findings of a rule that is not listed (cannot happen through the engine) still need a descriptor.
  const extra = [...new Set(result.findings.map((f) => f.ruleId))].filter((id) => !ids.has(id));
  for (const id of extra) ids.set(id, ids.size);
  const rules = [
    ...result.rules.map((r) => {
      const help = opts.help?.[r.id];
      return {
        id: r.id,
        name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
        shortDescription: { text: r.description },
        fullDescription: { text: `${r.description} ${r.remediation}` },
        help: { text: r.remediation, ...(help ? { markdown: help } : {}) },
        ...(opts.docsBaseUri ? { helpUri: `${opts.docsBaseUri.replace(/\/$/, '')}/${r.docs}` } : {}),
        defaultConfiguration: { level: LEVEL[r.severity] },
        properties: { tags: ['security', 'kubernetes'] },
      };
    }),
    ...extra.map((id) => ({ id, shortDescription: { text: id }, help: { text: `See the documentation of rule ${id}.` } })),
  ];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'secretops',
            ...(opts.toolVersion ? { version: opts.toolVersion, semanticVersion: opts.toolVersion } : {}),
            informationUri: 'https://github.com/secretops/secretops',
            rules,
          },
        },
        columnKind: 'utf16CodeUnits',
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: ids.get(f.ruleId)!,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
              ...(f.object?.kind
                ? { logicalLocations: [{ name: f.object.name ?? f.object.kind, kind: 'object', fullyQualifiedName: [f.object.kind, f.object.namespace, f.object.name].filter(Boolean).join('/') }] }
                : {}),
            },
          ],
          partialFingerprints: { 'secretopsFingerprint/v1': f.fingerprint },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
