import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { ExitCode, UserError } from '../errors';
import { quoteInput } from '../quote-input';

export interface KubeConfigOptions {
  /** `--kubeconfig`: wins over `KUBECONFIG`. */
  readonly kubeconfig?: string;
  /** `--context`: instead of the file's current context. */
  readonly context?: string;
  /** The environment to read `KUBECONFIG`, `HOME` and the in-cluster variables from. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The usual kubeconfig resolution, from an explicit environment (the CLI runs in-process in tests,
 * so `process.env` is not the user's): `--kubeconfig`, else every file in `KUBECONFIG` (merged, the
 * first file's current context wins), else `~/.kube/config`, else the in-cluster service account.
 */
export function loadKubeConfig(opts: KubeConfigOptions): KubeConfig {
  const kc = new KubeConfig();
  if (opts.kubeconfig && !existsSync(opts.kubeconfig)) {
    throw new UserError({ file: opts.kubeconfig, message: 'kubeconfig does not exist', hint: 'check --kubeconfig' }, ExitCode.usage);
  }
  const named = opts.kubeconfig ? [opts.kubeconfig] : (opts.env.KUBECONFIG ?? '').split(delimiter).filter((f) => f !== '');
  const home = opts.env.HOME ?? homedir();
  const files = (named.length > 0 ? named : [join(home, '.kube', 'config')]).filter((f) => existsSync(f));
  if (named.length > 0 && files.length === 0) {
    throw new UserError({ message: `KUBECONFIG names no existing file (${named.join(delimiter)})`, hint: 'fix KUBECONFIG or pass --kubeconfig' }, ExitCode.usage);
  }
  if (files.length > 0) {
    readKubeconfig(kc, files[0]!);
    for (const file of files.slice(1)) {
      const more = new KubeConfig();
      readKubeconfig(more, file);
      kc.mergeConfig(more, true);
    }
  } else if (opts.env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
  } else {
    throw new UserError({ message: 'no Kubernetes configuration found', hint: 'pass --kubeconfig, set KUBECONFIG, or run inside a cluster' }, ExitCode.usage);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new UserError({ message: `kubeconfig has no context ${quoteInput(opts.context)}`, hint: `use one of: ${kc.getContexts().map((c) => c.name).join(', ')}` }, ExitCode.usage);
    }
    kc.setCurrentContext(opts.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new UserError({ message: 'the kubeconfig has no current context with a cluster', hint: 'pass --context or set current-context' }, ExitCode.usage);
  }
  return kc;
}

function readKubeconfig(kc: KubeConfig, file: string): void {
  try {
    kc.loadFromFile(file);
  } catch {
    // The parser's message can quote the file, and kubeconfigs hold tokens: say only where.
    throw new UserError({ file, message: 'kubeconfig cannot be parsed', hint: 'check the file is a valid kubeconfig (kubectl config view)' }, ExitCode.usage);
  }
}

/** The HTTP status of a Kubernetes API error, or undefined for transport errors. */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

/**
 * Turns a Kubernetes API failure into a UserError that says what was attempted and the status, and
 * never quotes the response body (which can echo the object sent).
 */
export function kubeFailure(err: unknown, what: string): UserError {
  const status = apiStatus(err);
  if (status !== undefined) {
    const hint =
      status === 401 ? 'the credentials in your kubeconfig were refused; log in again'
      : status === 403 ? 'your identity lacks RBAC permission for this; ask for get/list/create/update on secrets in that namespace'
      : status === 404 ? 'check the namespace exists'
      : 'retry; if it persists, check the API server';
    return new UserError({ message: `Kubernetes API answered ${status} when trying to ${what}`, hint }, ExitCode.usage);
  }
  const code = (err as NodeJS.ErrnoException)?.code ?? (err as { cause?: NodeJS.ErrnoException })?.cause?.code;
  return new UserError({ message: `Kubernetes API unreachable when trying to ${what}${code ? ` (${code})` : ''}`, hint: 'check the server in your kubeconfig and your network' }, ExitCode.usage);
}
