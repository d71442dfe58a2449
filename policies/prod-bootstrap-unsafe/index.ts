import { Annotations } from '../../lib/constructs/metadata';
import { catalogIndex } from '../helpers/catalog-index';
import { externalSecretView } from '../helpers/k8s/external-secrets';
import { asArray, displayName, interestOutsideCrds, isJson, KubeObject, objectsOf, ptr, refOf, walkStrings } from '../helpers/k8s/objects';
import { containersOf, podSpecs, secretRefs } from '../helpers/k8s/workloads';
import type { Rule, RuleContext } from '../../lib/scan/types';

/**
 * The dev/CI bootstrap initializes and unseals Vault itself and keeps the root token and unseal key
 * in the Secret `vault-auto-credentials`. That convenience must never reach production, where init is
 * a ceremony outside Kubernetes, unseal is KMS auto-unseal and the bootstrap Job gets a scoped,
 * short-lived token: a root token in the cluster is the keys to every secret.
 */
export const AUTO_CREDENTIALS_SECRET = 'vault-auto-credentials';

const OPERATOR_INIT_OR_UNSEAL = /\bvault\s+operator\s+(init|unseal)\b(?![^\n;&|]*\s-status\b)/;
const UNSEAL_API = /\/v1\/sys\/unseal\b/;
const INIT_API = /\/v1\/sys\/init\b/;
/** `GET /v1/sys/init` only reads the init status (what the production Job may check); a write initializes. */
const WRITE_REQUEST = /(-X|--request)[\s=]*['"]?(PUT|POST)\b|\s(-d|--data[\w-]*|--json)[\s=]|--post-data|\.(put|post)\(|method\s*[:=]\s*['"]?(PUT|POST)\b/i;
const ROOT_TOKEN_NAME = /root[-_.]?token/i;

export const prodBootstrapUnsafe: Rule = {
  meta: {
    id: 'prod-bootstrap-unsafe',
    description: 'A production manifest runs vault operator init/unseal, holds vault-auto-credentials, or mounts a Vault root token.',
    remediation:
      'Keep init and unseal out of production manifests (use the KMS seal and the one-time init ceremony in the runbook), drop vault-auto-credentials, and give the bootstrap Job a scoped short-lived token from the configured Secret instead of a root token.',
    defaultSeverity: 'error',
    docs: 'policies/prod-bootstrap-unsafe/README.md',
    scope: 'document',
    // `vault operator` also as an argv list: `[vault, operator, init]`.
    interest: interestOutsideCrds(/vault\W+operator|\/v1\/sys\/|vault-auto-credentials|root[-_.]?token/i),
  },
  checkDocument(doc, ctx, report) {
    for (const o of objectsOf(doc)) {
      if (!isProductionObject(o, ctx)) continue;
      const seen = new Set<string>();
      const flag = (pointer: string, message: string) => {
        if (seen.has(`${pointer}\u0000${message}`)) return;
        seen.add(`${pointer}\u0000${message}`);
        report({ doc, pointer, object: refOf(o), message: `${o.kind} "${displayName(o.name ?? '?', o.namespace)}" ${message} in production` });
      };
      for (const pod of podSpecs(o)) {
        for (const { container, at } of containersOf(pod)) {
          const argv = [...asArray(container.command), ...asArray(container.args)].filter((s): s is string => typeof s === 'string').join(' ');
          const m = OPERATOR_INIT_OR_UNSEAL.exec(argv);
          if (m) flag(ptr(at, asArray(container.command).length > 0 ? 'command' : 'args'), `runs \`vault operator ${m[1]}\``);
        }
      }
      walkStrings(o.value, o.at, (s, at) => {
        for (const line of s.split('\n')) {
          const m = OPERATOR_INIT_OR_UNSEAL.exec(line);
          if (m) flag(at, `runs \`vault operator ${m[1]}\``);
          if (UNSEAL_API.test(line)) flag(at, 'calls the Vault unseal API (/v1/sys/unseal)');
          if (INIT_API.test(line) && WRITE_REQUEST.test(line)) flag(at, 'calls the Vault init API (/v1/sys/init)');
        }
        if (s.includes(AUTO_CREDENTIALS_SECRET)) flag(at, `holds or uses the dev-only Secret "${AUTO_CREDENTIALS_SECRET}"`);
      });
      for (const { name, at, what } of rootTokenNames(o)) flag(at, `mounts a root token (${what} "${name}")`);
    }
  },
};

function isProductionObject(o: KubeObject, ctx: RuleContext): boolean {
  if (ctx.project) return catalogIndex(ctx.project).isProduction(o);
  // Without a catalog only an explicit production annotation is trusted.
  return o.annotations[Annotations.environment] === 'production';
}

/** Names of Secrets, keys, env vars and volumes that say "root token". */
function rootTokenNames(o: KubeObject): { name: string; at: string; what: string }[] {
  const out: { name: string; at: string; what: string }[] = [];
  const add = (name: unknown, at: string, what: string) => {
    if (typeof name === 'string' && ROOT_TOKEN_NAME.test(name)) out.push({ name, at, what });
  };
  if (o.kind === 'Secret' || o.kind === 'SealedSecret') {
    add(o.name, ptr(o.at, 'metadata', 'name'), 'Secret');
    for (const field of ['data', 'stringData']) {
      const m = o.value[field];
      if (isJson(m)) for (const k of Object.keys(m)) add(k, ptr(o.at, field, k), 'Secret key');
    }
  }
  const es = externalSecretView(o);
  if (es) {
    add(es.targetName, ptr(es.at, 'target', 'name'), 'ExternalSecret target');
    asArray(es.spec.data).forEach((d, i) => add(isJson(d) ? d.secretKey : undefined, ptr(es.at, 'data', i, 'secretKey'), 'ExternalSecret key'));
  }
  for (const pod of podSpecs(o)) {
    for (const { container, at } of containersOf(pod)) {
      asArray(container.env).forEach((e, i) => add(isJson(e) ? e.name : undefined, ptr(at, 'env', i, 'name'), 'env'));
    }
    asArray(pod.spec.volumes).forEach((v, i) => add(isJson(v) ? v.name : undefined, ptr(pod.at, 'volumes', i, 'name'), 'volume'));
  }
  for (const ref of secretRefs(o)) {
    add(ref.name, ref.at, 'Secret');
    for (const k of ref.keys) add(k.key, k.at, 'Secret key');
  }
  return out;
}

export default prodBootstrapUnsafe;
