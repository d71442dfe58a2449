import { dirname, join } from 'node:path';
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
import { fingerprintKey, stateDir } from './state';
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

/** `secretops.approval.yaml` (or the legacy `policies/approval.yaml`) beside the catalog; SECRETOPS_APPROVAL_POLICY overrides. */
export function approvalFor(project: Project, io: SessionIo, environment: string): SyncPlan['approval'] {
  const file = io.env.SECRETOPS_APPROVAL_POLICY ? join(io.cwd, io.env.SECRETOPS_APPROVAL_POLICY) : approvalPolicyFile(dirname(project.source.file));
  return approvalRequirement(project.catalog, loadApprovalPolicy(file, project.catalog), environment);
}

/**
 * The clients and secrets a plan needs, and nothing more: no GitHub token is asked for when only
 * Kubernetes is written, no seed unless the policy is deterministic.
 */
export async function syncDeps(
  plan: SyncPlan,
  io: SessionIo,
  opts: { policy: ValuePolicy; valueFromEnv?: string; provided?: string; context?: string; approver?: Approver; audit: AuditLog; ledger: Ledger; state: string },
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
    audit: opts.audit,
    approver: opts.approver ?? approverFrom(io.env, opts.state, { stdin: io.stdin, stderr: io.stderr ?? { write: () => true } }),
    ...(seed ? { seed } : {}),
    ...(provided !== undefined ? { provided } : {}),
  };
}
