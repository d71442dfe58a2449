import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import Bottleneck from 'bottleneck';
import sodium from 'libsodium-wrappers';
import { ExitCode, UserError } from '../errors';
import type { RetryOptions } from './retry';
import { GITHUB_SECRET_MAX_BYTES, GITHUB_SECRETS_PER_SCOPE, githubNameProblem } from './github-limits';
import type { GithubDestination } from './target';

export type GithubWriteResult = 'created' | 'updated';

/** A GitHub failure, described by status and secretops's own words (responses can quote input). */
export class GithubError extends Error {
  constructor(
    readonly status: number | undefined,
    operation: string,
  ) {
    super(`github: ${operation} failed: ${status === undefined ? 'network error' : `${status} ${GITHUB_STATUS[status] ?? 'error'}`}`);
    this.name = 'GithubError';
  }
}

const GITHUB_STATUS: Record<number, string> = {
  401: 'bad credentials (check GITHUB_TOKEN)',
  403: 'forbidden or rate limited (the token needs secrets write access to the repository)',
  404: 'not found (the repository does not exist or the token cannot see it)',
  409: 'conflict',
  422: 'validation failed',
  500: 'server error',
  502: 'bad gateway',
  503: 'unavailable',
};

export interface GithubClientOptions {
  readonly token: string;
  /** @default "https://api.github.com" */
  readonly baseUrl?: string;
  readonly retry?: RetryOptions;
}

/** Token and base URL from the environment (`GITHUB_TOKEN`, `GITHUB_API_URL`). */
export function githubOptionsFrom(env: NodeJS.ProcessEnv, retryOpts: RetryOptions): GithubClientOptions {
  const token = env.GITHUB_TOKEN;
  if (!token) throw new UserError({ message: 'writing GitHub secrets needs a token, and GITHUB_TOKEN is not set', hint: 'export GITHUB_TOKEN (a token with secrets write access to the repository), or use --to kubernetes' }, ExitCode.usage);
  return { token, baseUrl: env.GITHUB_API_URL || undefined, retry: retryOpts };
}

interface PublicKey {
  readonly keyId: string;
  readonly key: string;
}

const RetryingOctokit = Octokit.plugin(throttling, retry);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Environment and repository Actions secrets of one repository, sealed with libsodium. */
export class GithubSecrets {
  private readonly octokit: InstanceType<typeof RetryingOctokit>;
  private readonly keys = new Map<string, PublicKey>();
  private readonly counts = new Map<string, number>();
  private readonly environments = new Set<string>();

  constructor(opts: GithubClientOptions) {
    const base = opts.retry?.baseMs ?? 500;
    const attempts = opts.retry?.attempts ?? 5;
    this.octokit = new RetryingOctokit({
      auth: opts.token,
      baseUrl: opts.baseUrl,
      userAgent: 'secretops-sync',
      log: silent,
      // 4xx other than rate limits are answers, not accidents: only 5xx and network errors are retried.
      retry: { retryAfterBaseValue: base, retries: attempts - 1 },
      throttle: {
        // GitHub asks for one second between writes; tests shorten it with the retry base.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: Math.min(1000, base * 2) }),
        retryAfterBaseValue: base * 2,
        onRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => retryCount < attempts - 1,
        onSecondaryRateLimit: (_after: number, _opts: unknown, _o: unknown, retryCount: number) => retryCount < attempts - 1,
      },
    });
  }

  /** The scope's public key (cached): what the value is sealed with, and its id for the ledger. */
  async publicKey(d: GithubDestination): Promise<PublicKey> {
    const scope = scopeId(d);
    const cached = this.keys.get(scope);
    if (cached) return cached;
    const { data } = await this.call(`read the public key of ${scope}`, () =>
      d.scope === 'environment'
        ? this.octokit.rest.actions.getEnvironmentPublicKey({ owner: d.owner, repo: d.repo, environment_name: d.environment! })
        : this.octokit.rest.actions.getRepoPublicKey({ owner: d.owner, repo: d.repo }),
    );
    const key = { keyId: data.key_id, key: data.key };
    this.keys.set(scope, key);
    return key;
  }

  /** Whether the secret exists (GitHub tells names and times, never values). */
  async exists(d: GithubDestination): Promise<boolean> {
    try {
      await (d.scope === 'environment'
        ? this.octokit.rest.actions.getEnvironmentSecret({ owner: d.owner, repo: d.repo, environment_name: d.environment!, secret_name: d.name })
        : this.octokit.rest.actions.getRepoSecret({ owner: d.owner, repo: d.repo, secret_name: d.name }));
      return true;
    } catch (err) {
      if (httpStatus(err) === 404) return false;
      throw new GithubError(httpStatus(err), `read secret ${d.name} of ${scopeId(d)}`);
    }
  }

  /**
   * Creates the GitHub environment when it does not exist. An existing one is left alone: a PUT
   * is "create or update" and could reset protection rules someone configured.
   */
  async ensureEnvironment(d: GithubDestination): Promise<void> {
    if (d.scope !== 'environment' || this.environments.has(scopeId(d))) return;
    try {
      await this.octokit.rest.repos.getEnvironment({ owner: d.owner, repo: d.repo, environment_name: d.environment! });
    } catch (err) {
      if (httpStatus(err) !== 404) throw new GithubError(httpStatus(err), `read environment ${d.environment}`);
      await this.call(`create environment ${d.environment}`, () => this.octokit.rest.repos.createOrUpdateEnvironment({ owner: d.owner, repo: d.repo, environment_name: d.environment! }));
    }
    this.environments.add(scopeId(d));
  }

  /** Checks name, size and count limits, then seals and writes. 201 = created, 204 = updated. */
  async write(d: GithubDestination, value: string, existed: boolean): Promise<GithubWriteResult> {
    const problem = githubNameProblem(d.name);
    if (problem) throw new UserError({ message: `cannot write ${d.name} to GitHub: ${problem}`, hint: 'rename the key, or sync it to Kubernetes only (--to kubernetes)' });
    const bytes = Buffer.byteLength(value, 'utf8');
    if (bytes > GITHUB_SECRET_MAX_BYTES) throw new UserError({ message: `the value for ${d.name} is ${bytes} bytes; GitHub secrets hold at most ${GITHUB_SECRET_MAX_BYTES}` });
    await this.ensureEnvironment(d);
    if (!existed) {
      const count = await this.count(d);
      if (count >= GITHUB_SECRETS_PER_SCOPE) {
        throw new UserError({ message: `${scopeId(d)} already holds ${count} secrets; GitHub allows ${GITHUB_SECRETS_PER_SCOPE}`, hint: 'remove unused secrets or move some to repository scope' });
      }
    }
    const pk = await this.publicKey(d);
    const encrypted_value = await seal(value, pk.key);
    const res = await this.call(`write secret ${d.name} of ${scopeId(d)}`, () =>
      d.scope === 'environment'
        ? this.octokit.rest.actions.createOrUpdateEnvironmentSecret({ owner: d.owner, repo: d.repo, environment_name: d.environment!, secret_name: d.name, encrypted_value, key_id: pk.keyId })
        : this.octokit.rest.actions.createOrUpdateRepoSecret({ owner: d.owner, repo: d.repo, secret_name: d.name, encrypted_value, key_id: pk.keyId }),
    );
    if ((res.status as number) === 201) {
      this.counts.set(scopeId(d), (this.counts.get(scopeId(d)) ?? 0) + 1);
      return 'created';
    }
    return 'updated';
  }

  private async count(d: GithubDestination): Promise<number> {
    const scope = scopeId(d);
    const cached = this.counts.get(scope);
    if (cached !== undefined) return cached;
    const { data } = await this.call(`list secrets of ${scope}`, () =>
      d.scope === 'environment'
        ? this.octokit.rest.actions.listEnvironmentSecrets({ owner: d.owner, repo: d.repo, environment_name: d.environment!, per_page: 1 })
        : this.octokit.rest.actions.listRepoSecrets({ owner: d.owner, repo: d.repo, per_page: 1 }),
    );
    this.counts.set(scope, data.total_count);
    return data.total_count;
  }

  /** Runs a request and replaces whatever it throws with a GithubError that quotes nothing. */
  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new GithubError(httpStatus(err), operation);
    }
  }
}

/** The HTTP status GitHub answered; undefined when no answer came (Octokit reports those as 500). */
function httpStatus(err: unknown): number | undefined {
  const e = err as { status?: number; response?: unknown };
  return e.response === undefined ? undefined : e.status;
}

/** `owner/repo:environment:ai` or `owner/repo:repository`. */
function scopeId(d: GithubDestination): string {
  return d.scope === 'environment' ? `${d.owner}/${d.repo}:environment:${d.environment}` : `${d.owner}/${d.repo}:repository`;
}

/** A libsodium sealed box of the value for GitHub's base64 public key, base64-encoded. */
export async function seal(value: string, publicKeyB64: string): Promise<string> {
  await sodium.ready;
  const box = sodium.crypto_box_seal(sodium.from_string(value), sodium.from_base64(publicKeyB64, sodium.base64_variants.ORIGINAL));
  return sodium.to_base64(box, sodium.base64_variants.ORIGINAL);
}
