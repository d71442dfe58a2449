import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ExitCode, UserError } from '../errors';
import type { Project } from '../project/load';
import { AuditLog, auditFile } from './audit';
import { approvalPolicyFile, approvalRequirement, loadApprovalPolicy } from './approval-policy';
import { approverFrom, Approver } from './approver';
import { GithubSecrets, githubOptionsFrom } from './github';
import { loadKubeConfig } from '../kube/client';
import { KubernetesSecrets } from './kubernetes';
import { Ledger } from './ledger';
import type { SyncPlan } from './plan';
import { retryOptionsFrom } from './retry';
import type { SyncDeps } from './run';
import { approvalKey, fingerprintKey, stateDir } from './state';
import { readProvidedValue, seedFrom, type ValuePolicy } from './values';

/** What a sync needs from the outside world; the CLI passes its io, the MCP server its own. */
export interface SessionIo {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  /** Readable audit lines go here (the CLI's stderr; the MCP server keeps stdout for the protocol). */
  readonly stderr?: { write(s: string): unknown };
}

/** State directory, audit log and ledger for one run. */
export function openState(io: SessionIo) {
  const state = stateDir(io.env, io.cwd);
  return { state, audit: new AuditLog(auditFile(io.env, io.cwd, state), io.stderr), ledger: new Ledger(state) };
}

/**
 * `secretops.approval.yaml` (or the legacy `policies/approval.yaml`) beside the catalog, or the file
 * SECRETOPS_APPROVAL_POLICY names (absolute, or relative to the working directory). A named file
 * must exist: a misspelt path must never read as "no policy" and let writes through unapproved.
 */
export function approvalFor(project: Project, io: SessionIo, environment: string): SyncPlan['approval'] {
  const named = io.env.SECRETOPS_APPROVAL_POLICY;
  const file = named ? resolve(io.cwd, named) : approvalPolicyFile(dirname(project.source.file));
  if (named && !existsSync(file)) {
    throw new UserError(
      { file: named, message: 'SECRETOPS_APPROVAL_POLICY names an approval policy that does not exist; nothing was planned or written', hint: `check the path (resolved to ${file}), or unset SECRETOPS_APPROVAL_POLICY to use the approval policy beside the catalog` },
      ExitCode.usage,
    );
  }
  return approvalRequirement(project.catalog, loadApprovalPolicy(file, project.catalog), environment);
}

/**
 * The clients and secrets a plan needs, and nothing more: no GitHub token is asked for when only
 * Kubernetes is written, no seed unless the policy is deterministic.
 */
export async function syncDeps(
  plan: SyncPlan,
  io: SessionIo,
  opts: { policy: ValuePolicy; valueFromEnv?: string; provided?: string; context?: string; approver?: Approver; audit: AuditLog; ledger: Ledger; state: string; /** When the caller already derived it. @default approvalKey(env, state) */ approvalKey?: string },
): Promise<SyncDeps> {
  const retry = retryOptionsFrom(io.env);
  const dests = plan.keys.flatMap((k) => k.destinations);
  const seed = opts.policy === 'deterministic' ? seedFrom(io.env) : undefined;
  const provided = opts.policy === 'provided' ? (opts.provided ?? (await readProvidedValue({ fromEnv: opts.valueFromEnv, env: io.env, stdin: io.stdin }))) : undefined;
  const github = dests.some((d) => d.kind === 'github') ? new GithubSecrets(githubOptionsFrom(io.env, retry)) : undefined;
  const kubernetes = dests.some((d) => d.kind === 'kubernetes') ? new KubernetesSecrets(loadKubeConfig({ env: io.env, ...(opts.context ? { context: opts.context } : {}) }), retry) : undefined;
  return {
    ...(github ? { github } : {}),
    ...(kubernetes ? { kubernetes } : {}),
    ledger: opts.ledger,
    fingerprintKey: fingerprintKey(io.env, opts.state),
    approvalKey: opts.approvalKey ?? approvalKey(io.env, opts.state),
    audit: opts.audit,
    approver: opts.approver ?? approverFrom(io.env, opts.state, { stdin: io.stdin, stderr: io.stderr ?? { write: () => true } }),
    ...(seed ? { seed } : {}),
    ...(provided !== undefined ? { provided } : {}),
  };
}
