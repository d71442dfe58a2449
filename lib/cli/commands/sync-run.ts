import { ExitCode, UserError } from '../../errors';
import type { CliIo } from '../io';
import { loadProject } from '../../project/load';
import { askLine } from '../../sync/approver';
import { outcomeToText, planToText } from '../../sync/format';
import { loadKubeConfig } from '../../kube/client';
import { KubernetesSecrets } from '../../sync/kubernetes';
import { PlannedKey, planSync, SyncSelection } from '../../sync/plan';
import { pullEnvFile } from '../../sync/pull';
import { retryOptionsFrom } from '../../sync/retry';
import { executeSync } from '../../sync/run';
import { approvalFor, openState, syncDeps } from '../../sync/session';
import { fingerprintKey } from '../../sync/state';
import { seedFrom } from '../../sync/values';
import { ledgerStatus } from '../../sync/ledger-status';

export interface SyncCliOptions extends SyncSelection {
  readonly servicesFile: string;
  readonly fixturesDir?: string;
  readonly valueFromEnv?: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
  readonly format: 'text' | 'json';
}

/** `secretops sync`: plan, then (unless --dry-run) approve and write. Resolves to the exit code. */
export async function runSyncCli(io: CliIo, opts: SyncCliOptions): Promise<number> {
  const project = loadProject({ servicesFile: opts.servicesFile, ...(opts.fixturesDir ? { fixturesDir: opts.fixturesDir } : {}) });
  const plan = planSync(project.catalog, project.resolver, opts, (environment) => approvalFor(project, io, environment), project.source);
  const { approval } = plan;
  const { state, audit, ledger } = openState(io);

  if (opts.dryRun) {
    audit.record({ event: 'request', operation: 'sync', project: plan.project, ...(plan.repository ? { repository: plan.repository } : {}), environment: plan.instance ?? plan.environment, policy: plan.policy, idempotencyKey: plan.idempotencyKey, result: 'dry_run' });
    const status = { ...(plan.policy === 'deterministic' && io.env.SECRETOPS_SEED ? { seed: seedFrom(io.env) } : {}), fingerprintKey: fingerprintKey(io.env, state) };
    const ledgerState = (key: PlannedKey, target: string) => ledgerStatus(ledger, plan, key, target, status);
    io.stdout.write(opts.format === 'json' ? JSON.stringify({ dryRun: true, plan: { ...plan, keys: plan.keys.map(({ subject: _s, ...k }) => k) } }, null, 2) + '\n' : planToText(plan, ledgerState));
    return ExitCode.ok;
  }

  if (approval.required && opts.yes) {
    throw new UserError({ message: `--yes cannot approve writes to ${plan.environment}: ${approval.reasons.join('; ')}`, hint: 'drop --yes; an approver decides (SECRETOPS_APPROVER_URL or a terminal)' }, ExitCode.usage);
  }
  if (!approval.required && !opts.yes && !io.stdin.isTTY) {
    throw new UserError({ message: 'sync writes secrets and there is no terminal to confirm on', hint: 'pass --yes to write without confirmation, or --dry-run to see the plan' }, ExitCode.usage);
  }
  const deps = await syncDeps(plan, { ...io, stderr: io.stderr }, { policy: plan.policy, valueFromEnv: opts.valueFromEnv, context: opts.context, audit, ledger, state });
  const outcome = await executeSync(plan, {
    ...deps,
    ...(approval.required || opts.yes
      ? {}
      : {
          confirm: async (writes) => {
            io.stderr.write(`secretops: about to write:\n${writes.map((w) => `  ${w.target} (${w.reason})\n`).join('')}`);
            return /^y(es)?$/i.test(await askLine(io.stdin, io.stderr, 'write these secrets? [y/N] '));
          },
        }),
  });
  io.stdout.write(opts.format === 'json' ? JSON.stringify(outcome, null, 2) + '\n' : outcomeToText(outcome));
  return outcome.status === 'ok' ? ExitCode.ok : outcome.status === 'cancelled' ? ExitCode.usage : ExitCode.failed;
}

export interface PullCliOptions {
  readonly servicesFile: string;
  readonly fixturesDir?: string;
  readonly environment: string;
  readonly file: string;
  readonly service?: string;
  readonly secret?: string;
  readonly context?: string;
}

/** `secretops sync pull`: Kubernetes Secrets of the environment into a local env file. */
export async function runPullCli(io: CliIo, opts: PullCliOptions): Promise<number> {
  const project = loadProject({ servicesFile: opts.servicesFile, ...(opts.fixturesDir ? { fixturesDir: opts.fixturesDir } : {}) });
  const { audit } = openState(io);
  const kube = new KubernetesSecrets(loadKubeConfig({ env: io.env, ...(opts.context ? { context: opts.context } : {}) }), retryOptionsFrom(io.env));
  const result = await pullEnvFile(project.catalog, project.resolver, opts, kube, audit);
  const required = result.missing.filter((m) => m.required);
  io.stdout.write(
    `wrote ${result.written.length} variable(s) to ${result.file}: ${result.written.join(', ') || '(none)'}\n` +
      (result.missing.length ? `not in the cluster: ${result.missing.map((m) => `${m.where}${m.required ? ' (required)' : ''}`).join(', ')}\n` : ''),
  );
  return required.length > 0 ? ExitCode.failed : ExitCode.ok;
}
