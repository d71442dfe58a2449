import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { credentialKeyMatcher, CredentialKeyMatcher, DEFAULT_CREDENTIAL_KEY_PATTERNS } from '../credential-like';
import { Diagnostic, ExitCode, sortDiagnostics, UserError } from '../errors';
import { diagnosticAt, parseYamlSource, positionOf, readTextFile, YamlSource } from '../yaml-source';
import type { ValidateFunction } from 'ajv/dist/2020';
import configSchema from '../../policies/config.schema.json';
import { packageRoot } from './package-files';
import type { Position, Severity } from './types';

/**
 * The scanner configuration: the defaults in `policies/secretops.config.yaml`, overridden field by
 * field by one user file (`--config FILE`, else `secretops.config.yaml` in the working directory).
 * Validated against `policies/config.schema.json`; every error names file, line and column.
 */

export const CONFIG_FILE_NAME = 'secretops.config.yaml';

export type RuleSetting = Severity | 'off';

export interface AllowlistEntry {
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
  readonly expires: string;
  /** Where the entry is written. */
  readonly file: string;
  readonly position: Position;
}

export interface ScanConfig {
  /** Configured severity per rule id (rules absent use their default). */
  readonly severities: Readonly<Record<string, RuleSetting>>;
  readonly options: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly maxFileSize: number;
  readonly isCredentialKey: CredentialKeyMatcher;
  readonly allowlist: readonly AllowlistEntry[];
  /** The user file in force, relative to the working directory (undefined: defaults only). */
  readonly file?: string;
}

interface RawConfig {
  rules?: Record<string, RuleSetting | { severity?: RuleSetting; options?: Record<string, unknown> }>;
  include?: string[];
  exclude?: string[];
  maxFileSize?: number;
  credentialKeys?: { include?: string[]; exclude?: string[]; extraInclude?: string[]; extraExclude?: string[] };
  allowlist?: { path: string; rule: string; reason: string; expires: string }[];
}

let validateShape: ValidateFunction | undefined;

/** The default configuration file shipped in `policies/`. */
export function defaultConfigFile(): string {
  return join(packageRoot(), 'policies', CONFIG_FILE_NAME);
}

/**
 * Loads the configuration for a scan in `cwd`: `explicit` (the --config flag) wins, then the
 * working directory's `secretops.config.yaml`, over the defaults.
 */
export async function loadScanConfig(cwd: string, explicit?: string): Promise<ScanConfig> {
  // The shipped defaults are validated by a test, not on every run: loading ajv and compiling is a
  // large part of a pre-commit hook's start-up time.
  const defaults = readConfigSource(defaultConfigFile(), cwd);
  const userPath = resolve(cwd, explicit ?? CONFIG_FILE_NAME);
  if (explicit === undefined && !existsSync(userPath)) return resolveConfig([defaults]);
  const user = readConfigSource(userPath, cwd, explicit !== undefined ? explicit : CONFIG_FILE_NAME);
  // ajv loads and compiles only when a user configuration is there to validate.
  const problems = await configDiagnostics(user);
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems), ExitCode.usage);
  return resolveConfig([defaults, user]);
}

/**
 * Parses one configuration file (a YAML error is a usage error with its position). Its shape is
 * checked by `loadScanConfig`; the shipped defaults are checked by a test, not on every run.
 */
export function readConfigSource(abs: string, cwd: string, shown = relative(cwd, abs).split('\\').join('/')): YamlSource {
  const text = readTextFile(abs, 'scanner configuration');
  try {
    return parseYamlSource(shown, text);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.diagnostics, ExitCode.usage);
    throw err;
  }
}

/** Schema and semantic problems of a parsed configuration (for tests of the shipped default). */
export async function configDiagnostics(src: YamlSource): Promise<Diagnostic[]> {
  const { compileSchema, schemaDiagnostics } = await import('../catalog/schema.js');
  validateShape ??= compileSchema(configSchema);
  return [...schemaDiagnostics(validateShape, src), ...semanticDiagnostics(src)];
}

/** Checks the schema cannot express: patterns compile, dates exist. */
function semanticDiagnostics(src: YamlSource): Diagnostic[] {
  const raw = (src.value ?? {}) as RawConfig;
  const out: Diagnostic[] = [];
  for (const [list, patterns] of Object.entries(raw.credentialKeys ?? {})) {
    (patterns ?? []).forEach((p, i) => {
      try {
        new RegExp(p, 'i');
      } catch {
        out.push(diagnosticAt(src, `/credentialKeys/${list}/${i}`, 'is not a valid regular expression', 'fix the pattern (JavaScript syntax)'));
      }
    });
  }
  (raw.allowlist ?? []).forEach((e, i) => {
    if (typeof e?.expires === 'string' && !isCalendarDate(e.expires)) {
      out.push(diagnosticAt(src, `/allowlist/${i}/expires`, 'is not a calendar date', 'write the date as YYYY-MM-DD'));
    }
  });
  return out;
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Merges validated sources, later over earlier: scalars and lists replace, `rules` merge per id. */
export function resolveConfig(sources: readonly YamlSource[]): ScanConfig {
  const severities: Record<string, RuleSetting> = {};
  const options: Record<string, Record<string, unknown>> = {};
  let include: string[] = [];
  let exclude: string[] = [];
  let maxFileSize = 1024 * 1024;
  let keys = { include: [...DEFAULT_CREDENTIAL_KEY_PATTERNS.include], exclude: [...DEFAULT_CREDENTIAL_KEY_PATTERNS.exclude] };
  let allowlist: AllowlistEntry[] = [];
  for (const src of sources) {
    const raw = (src.value ?? {}) as RawConfig;
    for (const [id, setting] of Object.entries(raw.rules ?? {})) {
      if (typeof setting === 'string') severities[id] = setting;
      else {
        if (setting.severity) severities[id] = setting.severity;
        if (setting.options) options[id] = setting.options;
      }
    }
    if (raw.include) include = raw.include;
    if (raw.exclude) exclude = raw.exclude;
    if (raw.maxFileSize !== undefined) maxFileSize = raw.maxFileSize;
    const ck = raw.credentialKeys;
    if (ck) {
      keys = {
        include: [...(ck.include ?? keys.include), ...(ck.extraInclude ?? [])],
        exclude: [...(ck.exclude ?? keys.exclude), ...(ck.extraExclude ?? [])],
      };
    }
    if (raw.allowlist) {
      allowlist = raw.allowlist.map((e, i) => ({
        ...e,
        file: src.file,
        position: positionOf(src, `/allowlist/${i}`) ?? { line: 1, column: 1 },
      }));
    }
  }
  const user = sources.length > 1 ? sources[sources.length - 1]!.file : undefined;
  return {
    severities,
    options,
    include,
    exclude,
    maxFileSize,
    isCredentialKey: credentialKeyMatcher(keys),
    allowlist,
    ...(user ? { file: user } : {}),
  };
}
