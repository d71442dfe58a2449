import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkFixturesDir } from '../options';
import { RULES } from '../../../policies';
import { ExitCode, UserError } from '../../errors';
import { VERSION } from '../../version';
import { loadScanConfig } from '../../scan/config';
import { catalogLoader, locateCatalog } from '../../scan/catalog-loader';
import { scan } from '../../scan/engine';
import { stagedScope } from '../../scan/staged';
import { formatResult, ScanFormat } from '../../scan/format';
import { packageModule, packageText } from '../../scan/package-files';
import type { ScanResult } from '../../scan/types';

export interface ScanCommandInput {
  readonly cwd: string;
  readonly paths: readonly string[];
  readonly staged: boolean;
  /** `--context-dir DIR`: the cross-file context of a working-tree scan (`ScanOptions.context`). */
  readonly context?: string;
  readonly config?: string;
  /**
   * Explicit `--services`: it must exist. Without it `services.yaml` of the working directory or
   * the nearest folder above it in the git repository is used when present.
   */
  readonly services?: string;
  readonly fixtures?: string;
  readonly format: ScanFormat;
  readonly colour: boolean;
  /** `YYYY-MM-DD` for allowlist expiry. @default `todayUtc()` */
  readonly today?: string;
  /** `--cache` / `--cache-location`: the scan cache file (absolute). @default no cache */
  readonly cache?: string;
}

export interface ScanCommandOutput {
  readonly output: string;
  /** Lines for stderr: files skipped, catalog not loaded. Never values. */
  readonly warnings: readonly string[];
  readonly exitCode: number;
  readonly result: ScanResult;
}

function checkContextDir(cwd: string, dir: string): void {
  if (!existsSync(resolve(cwd, dir))) {
    throw new UserError({ file: dir, message: 'does not exist', hint: 'pass the repository folder with --context-dir DIR (a pre-commit hook: --context-dir .)' }, ExitCode.usage);
  }
}

/** The module of `RULES` (policies/index), which scan workers load: the same list this command scans with. */
const RULES_MODULE = packageModule('policies');

/** What `secretops scan` does between parsing its flags and printing. */
export async function runScanCommand(given: ScanCommandInput): Promise<ScanCommandOutput> {
  // A staged scan runs at the repository's top, from whichever folder it is started.
  const input = given.staged && given.context === undefined ? { ...given, ...stagedScope(given) } : given;
  const config = await loadScanConfig(input.cwd, input.config);
  const notes: string[] = [];
  if (input.services !== undefined && !existsSync(input.services)) {
    throw new UserError({ file: input.services, message: 'services file does not exist', hint: 'pass the catalog with --services FILE, or leave the flag out' }, ExitCode.usage);
  }
  if (input.fixtures !== undefined) checkFixturesDir({ cwd: input.cwd }, input.fixtures);
  if (input.context !== undefined && input.staged) {
    throw new UserError({ message: '--context-dir and --staged cannot be combined: --staged already reads the whole index as context', hint: 'drop --context-dir' }, ExitCode.usage);
  }
  if (input.context !== undefined) checkContextDir(input.cwd, input.context);
  // The services file found upward, and the inputs rules tell catalog changes by; workers locate it the same way.
  const { catalogInputs } = locateCatalog(input);
  const project = catalogLoader(input, notes);
  // Workers rebuild this very scan from the CLI input (configuration, rules, catalog loader).
  const parallel = { ...threadsFromEnv(), spec: { rules: { module: RULES_MODULE, export: 'RULES' }, ...(input.config !== undefined ? { config: input.config } : {}), ...(input.services !== undefined ? { services: input.services } : {}), ...(input.fixtures !== undefined ? { fixtures: input.fixtures } : {}) } };
  const result = await scan({
    cwd: input.cwd,
    paths: input.paths,
    staged: input.staged,
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(catalogInputs ? { catalogInputs } : {}),
    rules: RULES,
    config,
    project,
    parallel,
    ...(input.today !== undefined ? { today: input.today } : {}),
    ...(input.cache !== undefined ? { cache: input.cache } : {}),
  });
  const help = input.format === 'sarif' ? Object.fromEntries(result.rules.flatMap((r) => {
    const text = packageText(r.docs);
    return text ? [[r.id, text]] : [];
  })) : undefined;
  const output = formatResult(input.format, result, { colour: input.colour, toolVersion: VERSION, ...(help ? { help } : {}) });
  const warnings = [...result.warnings.map((w) => `${w.file}: ${w.message}`), ...notes];
  const exitCode = result.findings.some((f) => f.severity === 'error') ? ExitCode.failed : ExitCode.ok;
  return { output, warnings, exitCode, result };
}

/**
 * `SECRETOPS_SCAN_THREADS=N`: read the files in N threads whatever the size of the tree (1: one
 * thread). Unset: as many threads as cores, for trees large enough to gain from them.
 */
function threadsFromEnv(): { threads?: number; minFiles?: number; minBytes?: number } {
  const raw = process.env.SECRETOPS_SCAN_THREADS;
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? { threads: n, minFiles: 0, minBytes: 0 } : {};
}
