import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { JsonLinesAuditLog } from '../../audit/audit-log';
import { canonicalEnvironment, environmentInstances, serviceNamespace } from '../../catalog/layout';
import { loadCatalog } from '../../catalog/load';
import type { CliIo } from '../io';
import { inCwd, parseFormat, servicesFileOf } from '../options';
import { renderTable } from '../../text-table';
import { ExitCode, UserError } from '../../errors';
import { diagnosticAt, type YamlSource } from '../../yaml-source';
import { loadKubeConfig } from '../../kube/client';
import { AccessKeys, IssuedAccessKey, KeyHandOut } from '../../access-keys/access-keys';
import { bypassAllowed } from '../../catalog/bypass-allowed';
import { FileAccessKeyStore } from '../../access-keys/file-store';
import { KubernetesAccessKeyStore } from '../../access-keys/kubernetes-store';
import type { AccessKeyInfo } from '../../access-keys/record';
import { checkRunKeySecret, runAccessKeyEnv, RUN_ACCESS_KEY_ENV, runKeySecretName, writeRunKeySecret } from '../../access-keys/run-key-secret';
import { AccessKeyScope, checkScope } from '../../access-keys/scope';
import { ttlPolicy } from '../../catalog/access-key-ttl';
import { quoteInput } from '../../quote-input';

export interface AccessKeyCliOptions {
  readonly services?: string;
  readonly store?: string;
  readonly stateDir?: string;
  readonly namespace?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly auditLog?: string;
  readonly format: string;
  readonly runId?: string;
  readonly project?: string;
  readonly env?: string;
  readonly mode?: string;
  readonly ttl?: string;
  readonly outputFile?: string;
  readonly outputSecret?: string | boolean;
  readonly id?: string;
  readonly keyFile?: string;
}

const DEFAULT_STATE_DIR = '.secretops';

/** Store, audit and clients as the options and environment say. Kubernetes is loaded only when used. */
function context(io: CliIo, opts: AccessKeyCliOptions, namespace?: string) {
  const storeKind = parseFormat(opts.store ?? io.env.SECRETOPS_ACCESS_KEY_STORE ?? 'file', ['file', 'kubernetes'] as const, '--store');
  const stateDir = inCwd(io, opts.stateDir ?? io.env.SECRETOPS_STATE_DIR ?? DEFAULT_STATE_DIR);
  const auditFile = inCwd(io, opts.auditLog ?? io.env.SECRETOPS_AUDIT_LOG ?? join(stateDir, 'audit.jsonl'));
  let core: CoreV1Api | undefined;
  const kube = (): CoreV1Api => (core ??= loadKubeConfig({ kubeconfig: opts.kubeconfig && inCwd(io, opts.kubeconfig), context: opts.context, env: io.env }).makeApiClient(CoreV1Api));
  const ns = namespace ?? opts.namespace;
  if (storeKind === 'kubernetes' && !ns) throw new UserError({ message: 'the kubernetes store needs the namespace of the run', hint: 'pass --namespace' }, ExitCode.usage);
  const store = storeKind === 'kubernetes' ? new KubernetesAccessKeyStore(kube(), ns!) : new FileAccessKeyStore(stateDir);
  const seed = io.env.SECRETOPS_SEED;
  if (!seed) throw new UserError({ message: 'SECRETOPS_SEED is not set: access keys are hashed with it', hint: 'export SECRETOPS_SEED (the same value wherever keys are issued and verified)' }, ExitCode.usage);
  const format = parseFormat(opts.format, ['text', 'json'] as const);
  let loaded: ReturnType<typeof loadCatalog> | undefined;
  const catalog = () => (loaded ??= loadCatalog(servicesFileOf(io, opts.services)));
  const keys = (ttlFromCatalog: boolean) =>
    new AccessKeys({
      store,
      seed,
      audit: JsonLinesAuditLog.toFile(auditFile),
      actor: io.env.SECRETOPS_ACTOR ?? io.env.USER,
      ...(ttlFromCatalog ? { ttl: ttlPolicy(catalog().catalog.spec.accessKeys) } : {}),
    });
  return { store, format, kube, keys, catalog };
}

/** The scope from the flags; with a catalog, the environment is canonical and must allow bypass routes. */
function scopeFromFlags(opts: AccessKeyCliOptions, catalogFile?: { catalog: ReturnType<typeof loadCatalog>['catalog']; file: string; source?: YamlSource }): AccessKeyScope {
  let environment = opts.env;
  if (catalogFile && opts.env) {
    const { catalog, file } = catalogFile;
    const found = canonicalEnvironment(catalog, opts.env);
    if (!found) throw new UserError({ file, message: `unknown environment ${quoteInput(opts.env)}`, hint: `use one of: ${catalog.spec.environments.map((e) => e.name).join(', ')}` }, ExitCode.usage);
    if (!bypassAllowed(found.environment)) {
      throw new UserError({ file, message: `environment "${found.environment.name}" does not allow run-scoped bypass access`, hint: 'keys are for ephemeral environments; set allowBypass: true on the environment to allow them elsewhere' });
    }
    environment = found.environment.name;
    // A key names its project; a catalog serves one. Keys for another project come from its catalog.
    if (opts.project !== undefined && opts.project !== catalog.metadata.name) {
      const message = `--project ${quoteInput(opts.project)} is not the project of this catalog ("${catalog.metadata.name}")`;
      const hint = `pass --project ${catalog.metadata.name}, or --services with the other project's catalog`;
      throw new UserError(catalogFile.source ? diagnosticAt(catalogFile.source, '/metadata/name', message, hint) : { file, pointer: '/metadata/name', message, hint }, ExitCode.usage);
    }
    const namespaces = new Set(catalog.spec.services.filter((s) => s.scope === 'environment').flatMap((s) => environmentInstances(found.environment).map((i) => serviceNamespace(s, i))));
    if (opts.namespace && !namespaces.has(opts.namespace)) {
      throw new UserError({ file, message: `namespace ${quoteInput(opts.namespace)} is not a namespace of environment "${environment}"`, hint: `use one of: ${[...namespaces].sort().join(', ')}` }, ExitCode.usage);
    }
  }
  return checkScope({ runId: opts.runId, projectId: opts.project, namespace: opts.namespace, environment, runtimeMode: opts.mode });
}

export async function issue(io: CliIo, opts: AccessKeyCliOptions): Promise<number> {
  const ctx = context(io, opts, opts.namespace);
  const { catalog, source } = ctx.catalog();
  const scope = scopeFromFlags(opts, { catalog, file: source.file, source });
  const issued = await ctx.keys(true).issue(scope, { ttl: opts.ttl, handOut: keyHandOut(io, opts, ctx) });
  report(io, opts, ctx, issued);
  return ExitCode.ok;
}

export async function regenerate(io: CliIo, opts: AccessKeyCliOptions): Promise<number> {
  const ctx = context(io, opts);
  const issued = await ctx.keys(true).regenerate(opts.id!, { ttl: opts.ttl, handOut: keyHandOut(io, opts, ctx) });
  report(io, opts, ctx, issued);
  return ExitCode.ok;
}

export async function revoke(io: CliIo, opts: AccessKeyCliOptions): Promise<number> {
  if (Boolean(opts.id) === Boolean(opts.runId)) throw new UserError({ message: 'pass exactly one of --id and --run-id' }, ExitCode.usage);
  const ctx = context(io, opts);
  const keys = ctx.keys(false);
  const revoked = opts.id ? [await keys.revoke(opts.id)] : await keys.revokeRun(opts.runId!);
  writeInfos(io, ctx.format, revoked, `revoked ${revoked.length} key${revoked.length === 1 ? '' : 's'}\n`);
  return ExitCode.ok;
}

export async function status(io: CliIo, opts: AccessKeyCliOptions): Promise<number> {
  const ctx = context(io, opts);
  const keys = ctx.keys(false);
  const infos = opts.id ? [await keys.status(opts.id)] : await keys.list(opts.runId ? { runId: opts.runId } : {});
  writeInfos(io, ctx.format, infos, infos.length === 0 ? 'no access keys\n' : '');
  return ExitCode.ok;
}

export async function verify(io: CliIo, opts: AccessKeyCliOptions): Promise<number> {
  const ctx = context(io, opts);
  const request = checkScope({ runId: opts.runId, projectId: opts.project, namespace: opts.namespace, environment: opts.env, runtimeMode: opts.mode });
  const key = await readKey(io, opts);
  const decision = await ctx.keys(false).authorizeByKey(key, request);
  if (ctx.format === 'json') io.stdout.write(JSON.stringify(decision, null, 2) + '\n');
  else io.stdout.write(decision.allow ? `allow: key ${decision.keyId} is valid for run ${decision.scope.runId}\n` : `deny: ${decision.reason}\n`);
  return decision.allow ? ExitCode.ok : ExitCode.failed;
}

/** Key from --key-file, else $SECRETOPS_RUN_ACCESS_KEY, else piped stdin. Never from argv (visible in ps). */
async function readKey(io: CliIo, opts: AccessKeyCliOptions): Promise<string> {
  if (opts.keyFile) {
    try {
      return readFileSync(inCwd(io, opts.keyFile), 'utf8').trim();
    } catch {
      throw new UserError({ file: opts.keyFile, message: 'key file cannot be read', hint: 'check --key-file' }, ExitCode.usage);
    }
  }
  const fromEnv = io.env[RUN_ACCESS_KEY_ENV];
  if (fromEnv) return fromEnv.trim();
  if (io.stdin.isTTY) throw new UserError({ message: 'no key given', hint: `pipe it on stdin, set ${RUN_ACCESS_KEY_ENV}, or pass --key-file` }, ExitCode.usage);
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8').trim();
}

/** The run's Secret name for --output-secret (bare flag: `secretops-run-key-<run id>`). */
function outputSecretName(opts: AccessKeyCliOptions, runId: string): string | undefined {
  if (!opts.outputSecret) return undefined;
  return typeof opts.outputSecret === 'string' ? opts.outputSecret : runKeySecretName(runId);
}

/**
 * The one place a plaintext key leaves the process: stdout, a 0600 file, or the run's Secret.
 * Checked before the key is stored (a file in a missing folder, a folder as the file, someone
 * else's Secret: nothing is issued or revoked); delivered after, and a failed delivery revokes
 * the new key (AccessKeys.issue), so storage and hand-out succeed together or not at all.
 */
function keyHandOut(io: CliIo, opts: AccessKeyCliOptions, ctx: ReturnType<typeof context>): KeyHandOut {
  const file = opts.outputFile ? inCwd(io, opts.outputFile) : undefined;
  return {
    async check(scope) {
      if (file) checkKeyFileTarget(file, opts.outputFile!);
      const secretName = outputSecretName(opts, scope.runId);
      if (secretName) await checkRunKeySecret(ctx.kube(), { name: secretName, namespace: scope.namespace, runId: scope.runId });
    },
    async deliver({ info, key }) {
      if (file) writeKeyFile(file, key, opts.outputFile!);
      const secretName = outputSecretName(opts, info.scope.runId);
      try {
        if (secretName) await writeRunKeySecret(ctx.kube(), { name: secretName, scope: info.scope, keyId: info.id, key });
      } catch (err) {
        // The key is revoked when delivery fails: leave no copy of it on disk either.
        if (file) rmSync(file, { force: true });
        throw err;
      }
    },
  };
}

/** What was issued and where it went; the key itself on stdout only when no file or Secret took it. */
function report(io: CliIo, opts: AccessKeyCliOptions, ctx: ReturnType<typeof context>, issued: IssuedAccessKey): void {
  const { info, key } = issued;
  const notes: string[] = [];
  const secretName = outputSecretName(opts, info.scope.runId);
  if (opts.outputFile) notes.push(`wrote the key to ${opts.outputFile} (mode 0600)`);
  if (secretName) notes.push(`wrote the key to Secret ${info.scope.namespace}/${secretName} (key ${RUN_ACCESS_KEY_ENV})`);
  const toStdout = !opts.outputFile && !opts.outputSecret;
  if (ctx.format === 'json') {
    io.stdout.write(JSON.stringify({ ...(toStdout ? { key } : {}), accessKey: info, ...(secretName ? { env: [runAccessKeyEnv(secretName)] } : {}) }, null, 2) + '\n');
    return;
  }
  const action = info.replaces ? `regenerated access key ${info.replaces} as ${info.id}` : `issued access key ${info.id}`;
  io.stderr.write(`${action} for run ${info.scope.runId} in ${info.scope.namespace}, expires ${info.expiresAt}\n`);
  if (toStdout) {
    io.stderr.write('the key follows on stdout; it is shown only this once\n');
    io.stdout.write(key + '\n');
    return;
  }
  io.stdout.write(notes.join('\n') + '\n');
  if (secretName) io.stdout.write(`reference it from the run's Job:\nenv:\n${stringify([runAccessKeyEnv(secretName)]).replace(/^/gm, '  ')}`);
}

/** The key file's folder must exist and the path must not be a folder: checked before issuing. */
function checkKeyFileTarget(file: string, given: string): void {
  const folder = dirname(file);
  let dir: ReturnType<typeof statSync> | undefined;
  try {
    dir = statSync(folder);
  } catch {
    dir = undefined;
  }
  if (!dir?.isDirectory()) throw new UserError({ file: given, message: 'cannot write the key file: its folder does not exist; no key was issued', hint: `create ${folder} first, or choose another --output-file` }, ExitCode.usage);
  if (existsSync(file) && statSync(file).isDirectory()) throw new UserError({ file: given, message: 'cannot write the key file: the path is a folder; no key was issued', hint: 'name a file, e.g. --output-file ' + join(given, 'run.key') }, ExitCode.usage);
}

/**
 * Temp file (0600, exclusive) in the target's folder, then rename: never half a key on disk, and
 * the temp file (which holds the plaintext) is removed whatever fails.
 */
function writeKeyFile(file: string, key: string, given: string): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, key + '\n');
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new UserError({ file: given, message: `cannot write the key file (${(err as NodeJS.ErrnoException).code ?? 'error'}); the new key was revoked`, hint: 'check the folder exists and is writable, then issue again' }, ExitCode.usage);
  }
}

function writeInfos(io: CliIo, format: 'text' | 'json', infos: readonly AccessKeyInfo[], trailer: string): void {
  if (format === 'json') {
    io.stdout.write(JSON.stringify({ accessKeys: infos }, null, 2) + '\n');
    return;
  }
  if (infos.length > 0) {
    io.stdout.write(
      renderTable(
        ['id', 'run', 'namespace', 'environment', 'mode', 'status', 'expires', 'last used'],
        infos.map((i) => [i.id, i.scope.runId, i.scope.namespace, i.scope.environment, i.scope.runtimeMode, i.status, i.expiresAt, i.lastUsedAt ?? '-']),
      ),
    );
  }
  if (trailer) io.stdout.write(trailer);
}
