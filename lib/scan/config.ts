import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { credentialKeyMatcher, CredentialKeyMatcher, DEFAULT_CREDENTIAL_KEY_PATTERNS } from '../credential-like';
import { Diagnostic, ExitCode, sortDiagnostics, UserError } from '../errors';
import { CORE_SCHEMA, load } from 'js-yaml';
import { readTextFile } from '../text-file';
import type { YamlSource } from '../yaml-source';
import type { ValidateFunction } from 'ajv/dist/2020';
import { packageRoot } from './package-files';
import type { Position, Rule, Severity } from './types';

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

/** A configuration file's value and, for a user file, where each of its parts is written. */
export interface ConfigSource {
  readonly file: string;
  readonly value: unknown;
  position(pointer: string): Position | undefined;
}

interface RawConfig {
  rules?: Record<string, RuleSetting | { severity?: RuleSetting; options?: Record<string, unknown> }>;
  include?: string[];
  exclude?: string[];
  maxFileSize?: number;
  credentialKeys?: { include?: string[]; exclude?: string[]; extraInclude?: string[]; extraExclude?: string[] };
  allowlist?: { path: string; rule: string; reason: string; expires: string }[];
}

/** The default configuration file shipped in `policies/`. */
export function defaultConfigFile(): string {
  return join(packageRoot(), 'policies', CONFIG_FILE_NAME);
}

/**
 * Loads the configuration for a scan in `cwd`: `explicit` (the --config flag) wins, then the
 * working directory's `secretops.config.yaml`, over the defaults.
 */
export async function loadScanConfig(cwd: string, explicit?: string): Promise<ScanConfig> {
  const defaults = defaultConfigSource();
  const userPath = resolve(cwd, explicit ?? CONFIG_FILE_NAME);
  if (explicit === undefined && !existsSync(userPath)) return resolveConfig([defaults]);
  const shown = explicit ?? CONFIG_FILE_NAME;
  const text = readConfigText(userPath, shown);
  // The common case, a valid file without allowlist entries, needs no positions: checked on the
  // js-yaml value with the precompiled validator, the YAML library is never loaded.
  const quick = quickValue(text);
  if (quick !== undefined && !(quick as RawConfig | null)?.allowlist?.length && (await isValidConfig(quick))) {
    return resolveConfig([defaults, { file: shown, value: quick, position: () => undefined }]);
  }
  const user = await parseConfigText(shown, text);
  const problems = await configDiagnostics(user);
  if (problems.length > 0) throw new UserError(sortDiagnostics(problems), ExitCode.usage);
  const { positionOf } = await import('../yaml-source.js');
  return resolveConfig([defaults, userConfigSource(user, positionOf)]);
}

/** The file's text; a missing or unreadable file is named as the user wrote it. */
function readConfigText(abs: string, shown: string): string {
  try {
    return readTextFile(abs, 'scanner configuration', '--config FILE');
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.diagnostics.map((d) => ({ ...d, file: shown })), err.exitCode);
    throw err;
  }
}

function quickValue(text: string): unknown {
  try {
    return load(text, { schema: CORE_SCHEMA }) ?? undefined;
  } catch {
    return undefined;
  }
}

async function isValidConfig(value: unknown): Promise<boolean> {
  const { validate } = await import('./config-validate.generated.js');
  return Boolean(validate(value)) && semanticProblems(value as RawConfig).length === 0;
}

/**
 * The shipped defaults, read without the position-keeping parser and without validation (a test
 * validates them): both are a large part of a pre-commit hook's start-up time.
 */
export function defaultConfigSource(): ConfigSource {
  const file = defaultConfigFile();
  return { file, value: load(readFileSync(file, 'utf8')), position: () => undefined };
}

/** A parsed user file as a configuration source (`positionOf` from lib/yaml-source, passed in so
 * that this module does not load the YAML library on the default path). */
export function userConfigSource(src: YamlSource, positionOf: typeof import('../yaml-source').positionOf): ConfigSource {
  return { file: src.file, value: src.value, position: (pointer) => positionOf(src, pointer) };
}

/** Parses one user configuration file with positions (a YAML error is a usage error with its position). */
export async function readConfigSource(abs: string, cwd: string, shown = relative(cwd, abs).split('\\').join('/')): Promise<YamlSource> {
  return parseConfigText(shown, readConfigText(abs, shown));
}

async function parseConfigText(shown: string, text: string): Promise<YamlSource> {
  const { parseYamlSource } = await import('../yaml-source.js');
  try {
    return parseYamlSource(shown, text);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(err.diagnostics, ExitCode.usage);
    throw err;
  }
}

/** Schema and semantic problems of a parsed configuration (for tests of the shipped default). */
export async function configDiagnostics(src: YamlSource): Promise<Diagnostic[]> {
  // A precompiled validator (no ajv at run time) and the YAML library, loaded only for a user file.
  const { validate } = await import('./config-validate.generated.js');
  const { schemaDiagnostics } = await import('../catalog/schema-diagnostics.js');
  const { diagnosticAt } = await import('../yaml-source.js');
  const semantic = semanticProblems(src.value as RawConfig | null).map((p) => diagnosticAt(src, p.pointer, p.message, p.hint));
  return [...schemaDiagnostics(validate as unknown as ValidateFunction, src), ...semantic];
}

/** Checks the schema cannot express: patterns compile, dates exist. */
function semanticProblems(raw: RawConfig | null): { pointer: string; message: string; hint: string }[] {
  const out: { pointer: string; message: string; hint: string }[] = [];
  const keys = raw?.credentialKeys;
  for (const [list, patterns] of Object.entries(keys && typeof keys === 'object' ? keys : {})) {
    (Array.isArray(patterns) ? patterns : []).forEach((p, i) => {
      try {
        new RegExp(String(p), 'i');
      } catch {
        out.push({ pointer: `/credentialKeys/${list}/${i}`, message: 'is not a valid regular expression', hint: 'fix the pattern (JavaScript syntax)' });
      }
    });
  }
  (Array.isArray(raw?.allowlist) ? raw!.allowlist : []).forEach((e, i) => {
    if (typeof e?.expires === 'string' && !isCalendarDate(e.expires)) {
      out.push({ pointer: `/allowlist/${i}/expires`, message: 'is not a calendar date', hint: 'write the date as YYYY-MM-DD' });
    }
  });
  return out;
}

function isCalendarDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Merges validated sources, later over earlier: scalars and lists replace, `rules` merge per id. */
export function resolveConfig(sources: readonly ConfigSource[]): ScanConfig {
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
        position: src.position(`/allowlist/${i}`) ?? { line: 1, column: 1 },
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

/** A rule's severity under a configuration: configured, else its default; `off` disables it. */
export function severityOf(rule: Rule, config: ScanConfig): Severity | 'off' {
  return config.severities[rule.meta.id] ?? rule.meta.defaultSeverity;
}
