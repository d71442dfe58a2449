import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RULES } from '../../policies';
import type { Project } from '../catalog/load';
import { ExitCode, isUserError, UserError } from '../errors';
import { VERSION } from '../version';
import { loadScanConfig } from './config';
import { scan } from './engine';
import { formatResult, ScanFormat } from './format';
import { packageText } from './package-files';
import type { ScanResult } from './types';

export interface ScanCommandInput {
  readonly cwd: string;
  readonly paths: readonly string[];
  readonly staged: boolean;
  readonly config?: string;
  /** Explicit `--services`: it must exist. Without it `./services.yaml` is used when present. */
  readonly services?: string;
  readonly fixtures?: string;
  readonly format: ScanFormat;
  readonly colour: boolean;
}

export interface ScanCommandOutput {
  readonly output: string;
  /** Lines for stderr: files skipped, catalog not loaded. Never values. */
  readonly warnings: readonly string[];
  readonly exitCode: number;
  readonly result: ScanResult;
}

/** What `secretops scan` does between parsing its flags and printing. */
export async function runScanCommand(input: ScanCommandInput): Promise<ScanCommandOutput> {
  const config = await loadScanConfig(input.cwd, input.config);
  const notes: string[] = [];
  const servicesFile = input.services ?? resolve(input.cwd, 'services.yaml');
  if (input.services !== undefined && !existsSync(servicesFile)) {
    throw new UserError({ file: input.services, message: 'services file does not exist', hint: 'pass the catalog with --services FILE, or leave the flag out' }, ExitCode.usage);
  }
  const project = async (): Promise<Project | undefined> => {
    if (!existsSync(servicesFile)) return undefined;
    const { loadProject } = await import('../catalog/load.js');
    try {
      return loadProject({ servicesFile, ...(input.fixtures ? { fixturesDir: input.fixtures } : {}) });
    } catch (err) {
      if (!isUserError(err)) throw err;
      notes.push(`${input.services ?? 'services.yaml'}: not a valid catalog (${err.diagnostics.length} problem${err.diagnostics.length === 1 ? '' : 's'}; run \`secretops validate\`): catalog-aware rules ran without it`);
      return undefined;
    }
  };
  const result = await scan({ cwd: input.cwd, paths: input.paths, staged: input.staged, rules: RULES, config, project });
  const help = input.format === 'sarif' ? Object.fromEntries(result.rules.flatMap((r) => {
    const text = packageText(r.docs);
    return text ? [[r.id, text]] : [];
  })) : undefined;
  const output = formatResult(input.format, result, { colour: input.colour, toolVersion: VERSION, ...(help ? { help } : {}) });
  const warnings = [...result.warnings.map((w) => `${w.file}: ${w.message}`), ...notes];
  const exitCode = result.findings.some((f) => f.severity === 'error') ? ExitCode.failed : ExitCode.ok;
  return { output, warnings, exitCode, result };
}
