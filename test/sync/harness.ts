import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { GithubApiStandIn } from '../stand-ins/github-api';
import { KubernetesApiStandIn, writeKubeconfig } from '../stand-ins/kubernetes-api';
import { ApproverStandIn } from '../stand-ins/approver';
import { CliRun, runSecretops } from '../support/cli';
import { exampleProject, REPO_ROOT } from '../support/tmp';

export const SEED = 'seed-0123456789abcdef0123456789abcdef';

const open: { stop(): Promise<void> }[] = [];
const stopAll = async () => {
  while (open.length) await open.pop()!.stop();
};
afterEach(stopAll);
afterAll(stopAll);

export interface SyncHarness {
  readonly dir: string;
  readonly github: GithubApiStandIn;
  readonly kube: KubernetesApiStandIn;
  readonly env: NodeJS.ProcessEnv;
  run(argv: readonly string[], extra?: { env?: NodeJS.ProcessEnv; stdin?: string; tty?: boolean }): Promise<CliRun>;
  approver(decisions: ConstructorParameters<typeof ApproverStandIn>[0]): Promise<ApproverStandIn>;
}

/**
 * A copy of the example project (with the approval policy), fresh GitHub and Kubernetes
 * stand-ins on 127.0.0.1, and an environment that points the CLI at them with fast retries.
 */
export async function syncHarness(): Promise<SyncHarness> {
  const dir = exampleProject();
  cpSync(join(REPO_ROOT, 'secretops.approval.yaml'), join(dir, 'secretops.approval.yaml'));
  const github = await new GithubApiStandIn({ token: 'ghs_test' }).start();
  const kube = await new KubernetesApiStandIn({ token: 'kube-token' }).start();
  open.push(github, kube);
  const env: NodeJS.ProcessEnv = {
    HOME: dir,
    SECRETOPS_SEED: SEED,
    GITHUB_TOKEN: 'ghs_test',
    GITHUB_API_URL: github.url,
    KUBECONFIG: writeKubeconfig(join(dir, '.kube'), kube),
    SECRETOPS_RETRY_BASE_MS: '1',
  };
  return {
    dir,
    github,
    kube,
    env,
    run: (argv, extra = {}) => runSecretops(argv, { cwd: dir, env: { ...env, ...extra.env }, ...(extra.stdin !== undefined ? { stdin: extra.stdin } : {}), ...(extra.tty ? { tty: true } : {}) }),
    approver: async (decisions) => {
      const a = await new ApproverStandIn(decisions).start();
      open.push(a);
      return a;
    },
  };
}

/** A Secret's key, decoded. */
export function kubeValue(kube: KubernetesApiStandIn, namespace: string, name: string, key: string): string | undefined {
  const b64 = (kube.object('v1', 'Secret', namespace, name)?.data as Record<string, string> | undefined)?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

export function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** A CI-only entry with project-level secrets: one in repository scope, one per environment. */
export const CI_SERVICE = `
    - name: ci
      scope: environment
      workload: false
      secrets:
        - name: ci-release
          level: project
          github: { scope: repository }
          keys:
            - name: RELEASE_SIGNING_KEY
        - name: ci-deploy
          level: project
          keys:
            - name: DEPLOY_TOKEN
`;
