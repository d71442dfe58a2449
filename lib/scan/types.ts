/**
 * The scanner's contract between its engine and its rules. A rule is a small module under
 * `policies/<rule-id>/index.ts` exporting a `Rule`; `policies/index.ts` lists them in order.
 * Rules never see the file system: the engine reads, parses and hands them documents.
 */
import type { DocumentOutline } from './block-outline';

export type Severity = 'error' | 'warning';

export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** One finding. `message` names keys, paths and objects, never a value or part of one. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly message: string;
  /** Path relative to the working directory, `/`-separated. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly object?: ObjectRef;
  /** JSON pointer inside the document, when the finding is about one field. */
  readonly pointer?: string;
  /** Stable across runs and unrelated edits: rule, file, object and pointer (never the value). */
  readonly fingerprint: string;
}

export type FileKind = 'yaml' | 'json' | 'helm-template' | 'text';

export interface ScanFile {
  /** Relative, `/`-separated. */
  readonly path: string;
  readonly text: string;
  readonly kind: FileKind;
  /** Helm chart context: the file is a chart's values file (`values*.yaml` next to `Chart.yaml`). */
  readonly helmValues?: boolean;
  /**
   * Documents of this file that could not be parsed, with their positions (set by the engine for
   * the documents it parsed; see `RuleMeta.handlesParseProblems`).
   */
  readonly problems?: readonly ParseProblem[];
}

/** A document that cannot be parsed: what is wrong (never the text) and where. */
export interface ParseProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /**
   * The whole file was not read (over `maxFileSize`, a NUL byte, not UTF-8): `message` is the
   * complete reason, not a syntax error. Reported as an error, so nothing hides by size or encoding.
   */
  readonly unread?: boolean;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** One parsed YAML/JSON document of a file (one per `---` section). */
export interface ManifestDocument {
  readonly file: ScanFile;
  /** 0-based index of the document within its file. */
  readonly index: number;
  /** The document's own raw text (its slice of the file). */
  readonly text: string;
  /** The document as plain JS (anchors and aliases expanded, bounded). */
  readonly value: unknown;
  /** apiVersion/kind/metadata.name/namespace when the document is a Kubernetes object. */
  readonly object?: ObjectRef;
  /** Line and column of the node at a JSON pointer (or of its deepest existing ancestor). */
  positionOf(pointer: string, opts?: { key?: boolean }): Position;
  /** Rules the object suppresses with a valid `secretops.dev/ignore` annotation (reason given). */
  readonly suppressed: ReadonlySet<string>;
  /**
   * A problem the document parsed despite: a duplicate key, read with the later key winning as
   * kubectl and Helm do. The engine adds it to `ScanFile.problems` (parse-error reports it).
   */
  readonly problem?: ParseProblem;
}

/** What rules may use besides the document. */
export interface RuleContext {
  /** Credential-like key names, as configured. */
  isCredentialKey(name: string): boolean;
  /** The loaded catalog project, when `--services` (or ./services.yaml) exists and is valid. */
  readonly project?: import('../project/load').Project;
  /** Working directory of the scan (for rules that compare against a fresh synth). */
  readonly cwd: string;
  /**
   * The paths the scan was asked for (relative to `cwd`, as given on the command line; `.` for the
   * default). Undefined when unknown: rules then infer from the files they were handed.
   */
  readonly roots?: readonly string[];
  /** True for `--staged`: file texts come from the git index, not the working tree. */
  readonly staged?: boolean;
  /**
   * Set when the scan has a cross-file context (`--context PATH`, or the whole index for
   * `--staged`): project rules are handed the context's documents too, and `roots` is the
   * context. Holds the files findings are reported in (the scanned ones); a finding located
   * elsewhere is dropped unless it is `dueTo` a scanned file. Undefined: everything handed over
   * was scanned.
   */
  readonly scanned?: ReadonlySet<string>;
  /**
   * The catalog's inputs, relative to the working directory, known before the catalog is loaded:
   * the services file and the fixtures folder (rules decide from them whether a change concerns
   * the catalog without loading it). Undefined without a catalog.
   */
  readonly catalogInputs?: readonly string[];
  /** Options from the rule's entry in the scanner configuration. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The scan's date (`YYYY-MM-DD`, UTC) for expiry checks; rules fall back to today. */
  readonly today?: string;
}

/** What a rule reports; the engine adds ruleId, severity, file and fingerprint. */
export interface RuleReport {
  readonly message: string;
  /** Where: a pointer into `doc` (position looked up by the engine), or an explicit position. */
  readonly pointer?: string;
  readonly key?: boolean;
  readonly position?: Position;
  readonly doc?: ManifestDocument;
  /** For file-level findings without a document. */
  readonly file?: ScanFile;
  readonly object?: ObjectRef;
  /** Overrides the rule's configured severity (e.g. fixture-drift's orphan warnings). */
  readonly severity?: Severity;
  /**
   * Files or folders (relative to the working directory) whose change causes this finding, when it is located
   * in another file (a catalog edit makes `dist/` stale): with a cross-file context the finding is
   * reported when one of them is scanned.
   */
  readonly dueTo?: readonly string[];
}

export interface RuleMeta {
  /** kebab-case; prohibitions start with `no-`. Public contract. */
  readonly id: string;
  /** One line: what the rule finds. */
  readonly description: string;
  /** A full sentence: what to do instead. */
  readonly remediation: string;
  readonly defaultSeverity: Severity;
  /** Relative path of the rule's README, e.g. `policies/no-inline-secret/README.md`. */
  readonly docs: string;
  /** `document`: per parsed document; `file`: raw text too (templates); `project`: across everything scanned. */
  readonly scope: 'document' | 'file' | 'project';
  /**
   * Fast path: a document is parsed for this rule only when its raw text matches. Leave it out
   * for rules that must see every document.
   */
  readonly interest?: RegExp;
  /**
   * A finer fast path after `interest` matched: for a document whose outline the block-YAML reader
   * could make (root kind and keys, `{name, value}` names: `lib/scan/block-outline.ts`), whether
   * the rule can report anything on it. It must be exact, never a guess: false only where
   * `checkDocument` would report nothing, since the document is then not parsed for this rule.
   */
  readonly readsOutline?: (outline: DocumentOutline, file: Pick<ScanFile, 'path' | 'helmValues'>, ctx: RuleContext, text: string) => boolean;
  /**
   * The rule reads `ctx.today` (allowlist expiry), and only for documents holding this literal (a
   * string its `interest` cannot match without). The scan cache keys a file holding it by the date,
   * so that tomorrow's run checks that file again and leaves the rest; an outcome that read the date
   * in any other file is not stored (`FileOutcome.readToday`), which keeps a rule that reads it
   * without saying so correct, only uncached.
   */
  readonly readsTodayIn?: string;
  /**
   * The rule reports `ScanFile.problems` (parse-error does): rule test helpers then accept case
   * files that do not parse instead of failing on them.
   */
  readonly handlesParseProblems?: boolean;
}

export interface Rule {
  readonly meta: RuleMeta;
  /** Called for every parsed document. */
  checkDocument?(doc: ManifestDocument, ctx: RuleContext, report: (r: RuleReport) => void): void;
  /** Called for every file, parsed or not (Helm templates, unparsable text). */
  checkFile?(file: ScanFile, ctx: RuleContext, report: (r: RuleReport) => void): void;
  /**
   * Project rules: the part of one document that `checkProject` reads (typically
   * `prune(doc.value, SHAPE)` from `lib/scan/summary.ts`, the shape being data next to the rule),
   * or undefined when it reads nothing of this document. Called during the file pass for each
   * parsed document the rule's `interest` matches. `checkProject` then receives, instead of the
   * documents, summary documents: `value` is the summary (pointers into it are pointers into the
   * document), `text` and `file.text` are read again when asked for, positions are computed only
   * for findings. Without `summarize`, `checkProject` receives every document some rule read,
   * kept whole in memory until the end (the older contract, still supported).
   */
  summarize?(doc: ManifestDocument): unknown;
  /** Called once with everything scanned, for cross-object rules. */
  checkProject?(docs: readonly ManifestDocument[], ctx: RuleContext, report: (r: RuleReport) => void): void | Promise<void>;
}

/** A finding a suppression or allowlist entry kept out of the result, and what kept it out. */
export interface SuppressedFinding {
  readonly finding: Finding;
  readonly by: Suppression;
}

/**
 * A suppression in force: an inline `secretops.dev/ignore` annotation with a reason, or a
 * configuration allowlist entry that has not expired. Reported so reviewers see every exception.
 */
export interface Suppression {
  readonly kind: 'inline' | 'allowlist';
  readonly rules: readonly string[];
  readonly reason: string;
  /** Where the exception is written: the annotated object's file, or the configuration file. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly object?: ObjectRef;
  /** Allowlist entries: the path glob they cover. */
  readonly path?: string;
  /** Allowlist entries: `YYYY-MM-DD`. */
  readonly expires?: string;
  /** How many findings it kept out of this scan. */
  readonly suppressed: number;
}

/** Something the scanner did not read, or read only in part, and why (never a finding). */
export interface ScanWarning {
  readonly file: string;
  readonly message: string;
}

export interface ScanStats {
  readonly files: number;
  readonly documents: number;
  /**
   * Documents fully parsed. The rest matched no enabled rule's `interest`, or were turned down by
   * the rules reading their outline and had their syntax vouched for by it (lib/scan/block-outline.ts).
   */
  readonly parsedDocuments: number;
  readonly bytes: number;
  readonly skippedFiles: number;
}

/** A rule as the result describes it (for SARIF and docs): metadata plus its effective severity. */
export interface ScanRuleInfo {
  readonly id: string;
  readonly description: string;
  readonly remediation: string;
  readonly docs: string;
  readonly severity: Severity;
}

/** What one scan found: the input of every formatter. */
export interface ScanResult {
  readonly version: 1;
  readonly findings: readonly Finding[];
  readonly stats: ScanStats;
  readonly warnings: readonly ScanWarning[];
  readonly suppressions: readonly Suppression[];
  /** Enabled rules, in policy order. */
  readonly rules: readonly ScanRuleInfo[];
}
