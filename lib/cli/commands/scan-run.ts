import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { findServicesFile } from '../../catalog/find-services';
import { checkFixturesDir } from '../options';
import { RULES } from '../../../policies';
import type { Project } from '../../project/load';
import { ExitCode, isUserError, UserError } from '../../errors';
import { VERSION } from '../../version';
import { loadScanConfig } from '../../scan/config';
import { scan } from '../../scan/engine';
import { formatResult, ScanFormat } from '../../scan/format';
import { packageText } from '../../scan/package-files';
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

/** What `secretops scan` does between parsing its flags and printing. */
export async function runScanCommand(input: ScanCommandInput): Promise<ScanCommandOutput> {
  const config = await loadScanConfig(input.cwd, input.config);
  const notes: string[] = [];
  const found = input.services === undefined ? findServicesFile(input.cwd) : undefined;
  const servicesFile = input.services ?? found ?? resolve(input.cwd, 'services.yaml');
  if (input.services !== undefined && !existsSync(servicesFile)) {
    throw new UserError({ file: input.services, message: 'services file does not exist', hint: 'pass the catalog with --services FILE, or leave the flag out' }, ExitCode.usage);
  }
  if (input.fixtures !== undefined) checkFixturesDir({ cwd: input.cwd }, input.fixtures);
  if (input.context !== undefined && input.staged) {
    throw new UserError({ message: '--context-dir and --staged cannot be combined: --staged already reads the whole index as context', hint: 'drop --context-dir' }, ExitCode.usage);
  }
  if (input.context !== undefined) checkContextDir(input.cwd, input.context);
  const shownServices = input.services ?? (found ? relative(input.cwd, found).split(sep).join('/') : 'services.yaml');
  const catalogInputs = existsSync(servicesFile) ? [shownServices, relative(input.cwd, resolve(input.cwd, input.fixtures ?? join(dirname(servicesFile), 'fixtures'))).split(sep).join('/')] : undefined;
  const project = async (): Promise<Project | undefined> => {
    if (!existsSync(servicesFile)) return undefined;
    const { validateProject } = await import('../../project/load.js');
    const shown = shownServices;
    const problems = (n: number) => `${n} problem${n === 1 ? '' : 's'}; run \`secretops validate\``;
    try {
      // validateProject, not loadProject: a catalog whose fixtures have problems (a production
      // inventory holding a value) must still reach fixture-drift, which reports them as findings.
      const { project: loaded, diagnostics } = validateProject({ servicesFile, ...(input.fixtures ? { fixturesDir: input.fixtures } : {}) });
      if (!loaded) {
        notes.push(`${shown}: not a valid catalog (${problems(diagnostics.length)}): catalog-aware rules ran without it`);
        return undefined;
      }
      if (diagnostics.length > 0) notes.push(`${shown}: the catalog or its fixtures have ${problems(diagnostics.length)}`);
      return loaded;
    } catch (err) {
      if (!isUserError(err)) throw err;
      notes.push(`${shown}: not a valid catalog (${problems(err.diagnostics.length)}): catalog-aware rules ran without it`);
      return undefined;
    }
  };
  const result = await scan({
    cwd: input.cwd,
    paths: input.paths,
    staged: input.staged,
    ...(input.context !== undefined ? { context: input.context } : {}),
    ...(catalogInputs ? { catalogInputs } : {}),
    rules: RULES,
    config,
    project,
    ...(input.today !== undefined ? { today: input.today } : {}),
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
