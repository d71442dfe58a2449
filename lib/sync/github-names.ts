import { ExitCode, UserError, type Diagnostic } from '../errors';
import type { KeySpec, ServiceCatalog } from '../catalog/types';
import type { Resolver } from '../resolver/resolver';
import { diagnosticAt, type YamlSource } from '../yaml-source';
import { githubNameProblem } from './github-limits';
import type { ValuePolicy } from './values';

/**
 * Which GitHub Actions secret each catalog key is written to. The naming rule (docs/sync.md,
 * "GitHub names"):
 *   - a key's GitHub name is its written key name (the environment override name where one
 *     applies: `CODEXK8S_API_TOKEN_AI` in `ai`), unless the key sets `github: { name: NAME }`,
 *     which is used as is in every environment;
 *   - environment secrets live in the GitHub environment of the canonical environment (every slot
 *     of `ai` shares `ai`), repository secrets (`github.scope: repository`) in the repository;
 *   - two catalog keys may never share one GitHub secret: where they would, the plan refuses,
 *     positioned at each key, and names the others. GitHub holds one value per name, so a shared
 *     name would be rewritten by every sync with whichever key came last.
 * Names are never made unique by adding prefixes on the fly: adding a service would then rename
 * secrets other services already use.
 */
export interface GithubClaim {
  /** `service/secret#KEY`, for messages. */
  readonly label: string;
  /** JSON pointer of the key in the catalog. */
  readonly pointer: string;
  /** `environment:<env>` or `repository`. */
  readonly scope: string;
  readonly name: string;
}

/** The GitHub secret name of a key: `github.name`, else the written key name. */
export function githubSecretName(key: KeySpec, writtenKey: string): string {
  return key.github?.name ?? writtenKey;
}

/** Every GitHub secret the catalog's keys claim when `environment` (canonical) is synced. */
export function githubClaims(catalog: ServiceCatalog, resolver: Resolver, environment: string): Map<KeySpec, GithubClaim> {
  const claims = new Map<KeySpec, GithubClaim>();
  catalog.spec.services.forEach((service, si) =>
    service.secrets.forEach((secret, sj) =>
      secret.keys.forEach((key, kk) => {
        // The keys a sync never writes claim nothing (user level, non-secret defaults).
        if (secret.level === 'user' || key.default !== undefined) return;
        const name = githubSecretName(key, resolver.targetKeyName(environment, key.name).key);
        if (githubNameProblem(name)) return;
        const scope = (secret.github?.scope ?? 'environment') === 'repository' ? 'repository' : `environment:${environment}`;
        claims.set(key, { label: `${service.name}/${secret.name}#${key.name}`, pointer: `/spec/services/${si}/secrets/${sj}/keys/${kk}`, scope, name });
      }),
    ),
  );
  return claims;
}

/**
 * The GitHub names in `environment` that more than one catalog key claims. Repository secrets
 * are one scope for every environment, so their claims are gathered across all of them.
 */
export function githubCollisions(
  catalog: ServiceCatalog,
  resolver: Resolver,
  environment: string,
  /** The claims of `environment`, when the caller has them already. @default githubClaims(catalog, resolver, environment) */
  claims: ReadonlyMap<KeySpec, GithubClaim> = githubClaims(catalog, resolver, environment),
): Map<string, GithubClaim[]> {
  const all = [...claims.values()];
  for (const env of catalog.spec.environments) {
    if (env.name !== environment) all.push(...[...githubClaims(catalog, resolver, env.name).values()].filter((c) => c.scope === 'repository'));
  }
  const byTarget = new Map<string, GithubClaim[]>();
  for (const c of all) {
    const id = `${c.scope}:${c.name}`;
    const list = byTarget.get(id) ?? [];
    if (!list.some((x) => x.pointer === c.pointer)) list.push(c);
    byTarget.set(id, list);
  }
  return new Map([...byTarget].filter(([, list]) => list.length > 1));
}

/**
 * Refuses when any of `selected` shares its GitHub secret with another catalog key: one
 * diagnostic per key involved, at the key, naming the others and the way out.
 */
export function refuseGithubCollisions(catalog: ServiceCatalog, resolver: Resolver, environment: string, selected: readonly KeySpec[], source?: YamlSource): void {
  const claims = githubClaims(catalog, resolver, environment);
  const collisions = githubCollisions(catalog, resolver, environment, claims);
  if (collisions.size === 0) return;
  const touched = new Set<string>();
  for (const key of selected) {
    const c = claims.get(key);
    if (c && collisions.has(`${c.scope}:${c.name}`)) touched.add(`${c.scope}:${c.name}`);
  }
  if (touched.size === 0) return;
  const diagnostics: Diagnostic[] = [];
  for (const id of [...touched].sort()) {
    const list = collisions.get(id)!;
    const where = list[0]!.scope === 'repository' ? 'the repository' : `GitHub environment ${list[0]!.scope.slice('environment:'.length)}`;
    for (const c of list) {
      const others = list.filter((o) => o !== c).map((o) => o.label);
      const message = `${c.label} would be written to GitHub secret ${c.name} of ${where}, which ${others.join(', ')} also ${others.length === 1 ? 'claims' : 'claim'}; GitHub keeps one value per name`;
      const hint = `give each key its own GitHub name: add \`github: { name: ${suggestedName(c)} }\` to the key (docs/sync.md, "GitHub names"), or sync these keys with --to kubernetes`;
      diagnostics.push(source ? diagnosticAt(source, c.pointer, message, hint) : { pointer: c.pointer, message, hint });
    }
  }
  throw new UserError(diagnostics, ExitCode.usage);
}

/**
 * A repository secret (`github.scope: repository`) is one value for the whole repository, while
 * `sync` runs per environment. Where several catalog environments write one key to the same
 * repository secret, their values must be the same or the runs never converge: each sync would
 * overwrite what the previous environment wrote. A `deterministic` value is derived from its
 * environment (docs/sync.md, "Values") and a `random` one is new on every run, so those differ by
 * construction and are refused here, before anything is read or written: one diagnostic per key,
 * at the key, naming the environments and the fix. A `provided` value may be the same from every
 * environment (one shared value): it passes here, and the run compares it with what the ledger
 * says another environment wrote (sync/run.ts), writing it once or refusing the key.
 */
export function refuseSharedRepositorySecrets(
  catalog: ServiceCatalog,
  resolver: Resolver,
  environment: string,
  selected: readonly KeySpec[],
  policy: ValuePolicy,
  source?: YamlSource,
): void {
  if (policy === 'provided') return;
  const claimsOf = new Map<string, Map<KeySpec, GithubClaim>>();
  const claims = (env: string) => claimsOf.get(env) ?? claimsOf.set(env, githubClaims(catalog, resolver, env)).get(env)!;
  const diagnostics: Diagnostic[] = [];
  for (const key of selected) {
    const c = claims(environment).get(key);
    if (c?.scope !== 'repository') continue;
    const writers = catalog.spec.environments.map((e) => e.name).filter((env) => {
      const other = claims(env).get(key);
      return other?.scope === 'repository' && other.name === c.name;
    });
    if (writers.length < 2) continue;
    const why = policy === 'deterministic' ? 'a deterministic value is derived from its environment' : 'a random value is new on every run';
    const message = `${c.label} would be written to repository secret ${c.name} (github.scope: repository) from environments ${andList(writers)}, with a different ${policy} value from each (${why}); every sync would overwrite the value the other environments wrote`;
    const hint =
      'give the secret a GitHub environment (remove `github: { scope: repository }`: each environment then keeps its own), or a name of its own in each environment (`spec.secretResolution.keyOverrides`; `github.name` is the same in every environment); ' +
      'for one value that every environment shares, sync it with --policy provided and the same value, which is written once (docs/sync.md, "Repository secrets")';
    diagnostics.push(source ? diagnosticAt(source, c.pointer, message, hint) : { pointer: c.pointer, message, hint });
  }
  if (diagnostics.length > 0) throw new UserError(diagnostics, ExitCode.usage);
}

/** `dev`, `dev and production`, `dev, ai and production`. */
function andList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** `agents/agents-db-credentials#DATABASE_URL` -> `AGENTS_DATABASE_URL`. */
function suggestedName(c: GithubClaim): string {
  const service = c.label.slice(0, c.label.indexOf('/'));
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_${c.name}`;
}
