import type { Command } from 'commander';
import type { CommandModule } from '../command';
import { SERVICES_OPTION_HELP } from '../options';
import type { AccessKeyCliOptions } from './access-key-run';

/** Issue and regenerate read TTLs (and, for issue, environments and namespaces) from the catalog only. */
function withServicesOption(cmd: Command): Command {
  return cmd.option('--services <file>', SERVICES_OPTION_HELP);
}

/** Options every access-key subcommand shares: where keys are stored and where audit goes. */
function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--store <store>', 'file (development) or kubernetes (default: $SECRETOPS_ACCESS_KEY_STORE or file)')
    .option('--state-dir <dir>', 'file store folder (default: $SECRETOPS_STATE_DIR or .secretops)')
    .option('--namespace <namespace>', "the run's namespace (where the kubernetes store keeps its Secrets)")
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context')
    .option('--audit-log <file>', 'audit JSON lines (default: $SECRETOPS_AUDIT_LOG or <state dir>/audit.jsonl)')
    .option('--format <format>', 'text or json', 'text');
}

function withScopeOptions(cmd: Command): Command {
  return cmd
    .option('--run-id <id>', 'the run the key is bound to')
    .option('--project <id>', 'project id')
    .option('--env <environment>', 'target environment')
    .option('--mode <mode>', 'runtime mode, e.g. agent or operator');
}

function withOutputOptions(cmd: Command): Command {
  return cmd
    .option('--ttl <duration>', 'lifetime, e.g. 30m or 2h (default and maximum: spec.accessKeys in the catalog)')
    .option('--output-file <file>', 'write the key to this file (0600) instead of stdout')
    .option('--output-secret [name]', "write the key into a Secret in the run's namespace (default name secretops-run-key-<run id>) instead of stdout");
}

/**
 * `secretops access-key issue|regenerate|revoke|status|verify`: run-scoped keys for the OAuth bypass
 * routes. The plaintext key is shown once (or written to a file or Secret); only its digest is kept.
 */
export const accessKeyCommand: CommandModule = {
  register(program, io, setExit) {
    const group = program.command('access-key').description('issue, regenerate, revoke, inspect and verify run-scoped access keys');
    const run = (action: 'issue' | 'regenerate' | 'revoke' | 'status' | 'verify') => async (opts: AccessKeyCliOptions) => {
      const actions = await import('./access-key-run.js');
      setExit(await actions[action](io, opts));
    };

    withStoreOptions(withOutputOptions(withScopeOptions(withServicesOption(group.command('issue')))))
      .description('issue a key bound to a run scope; prints it once')
      .action(run('issue'));
    withStoreOptions(withOutputOptions(withServicesOption(group.command('regenerate'))))
      .description('revoke a key and issue its replacement with the same scope; prints the new key once')
      .requiredOption('--id <key id>', 'the key to replace')
      .action(run('regenerate'));
    withStoreOptions(group.command('revoke'))
      .description('revoke one key (--id) or every key of a run (--run-id)')
      .option('--id <key id>', 'the key to revoke')
      .option('--run-id <id>', 'revoke every key of this run')
      .action(run('revoke'));
    withStoreOptions(group.command('status'))
      .description('show keys (one with --id, a run with --run-id, else all) without the keys themselves')
      .option('--id <key id>', 'one key')
      .option('--run-id <id>', 'the keys of one run')
      .action(run('status'));
    withStoreOptions(withScopeOptions(group.command('verify')))
      .description('check a key (from --key-file, $SECRETOPS_RUN_ACCESS_KEY or stdin) against a scope; exit 0 allow, 1 deny')
      .option('--key-file <file>', 'file holding the key')
      .action(run('verify'));
  },
};
