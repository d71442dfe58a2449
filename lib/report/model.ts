import { Annotations } from '../constructs/metadata';
import { isProductionTier } from '../catalog/types';
import { environmentStoreName, singletonStoreName } from '../catalog/stores';
import { environmentInstances, serviceNamespace } from '../catalog/layout';
import type { Resolution, ResolutionTier } from '../resolver/resolver';
import { RESOLUTION_TIERS } from '../resolver/resolver';
import type { RenderedObject, Snapshot } from './snapshot';

/**
 * What a reviewer needs to know about a change to secrets, computed from two snapshots and the
 * scanner's result. Pure: formatters turn it into Markdown, HTML or JSON. Never holds a value.
 */
export interface ReportModel {
  readonly version: 1;
  readonly base: { readonly label: string; readonly commit?: string; readonly problems: readonly string[] };
  readonly head: { readonly label: string; readonly problems: readonly string[] };
  readonly summary: Summary;
  readonly changes: { readonly keys: readonly KeyChange[]; readonly objects: readonly ObjectChange[] };
  readonly ownership: readonly OwnershipRow[];
  readonly fixtures: readonly FixtureCoverage[];
  readonly exceptions: readonly ExceptionEntry[];
}

export interface RuleSummary {
  readonly ruleId: string;
  readonly status: 'pass' | 'fail' | 'warn';
  readonly errors: number;
  readonly warnings: number;
}

export interface Summary {
  /** Every guardrail passes and both catalogs load. */
  readonly passed: boolean;
  readonly rules: readonly RuleSummary[];
  readonly keysAdded: number;
  readonly keysRemoved: number;
  readonly keysChanged: number;
  /** Keys that now resolve from a later tier than before: the riskiest change. */
  readonly fallbacks: number;
  readonly objectsAdded: number;
  readonly objectsRemoved: number;
  readonly objectsChanged: number;
}

export interface Source {
  readonly tier: ResolutionTier;
  readonly sourceKey: string;
  readonly location: string;
}

export interface KeyChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly environment: string;
  readonly service: string;
  readonly secret: string;
  readonly key: string;
  /** null: resolved nowhere. */
  readonly before?: Source | null;
  readonly after?: Source | null;
  readonly tierChanged: boolean;
  /** The key now resolves from a later tier (e.g. env-override -> shared): a silent fallback. */
  readonly fallback: boolean;
}

export type ObjectCategory = 'ExternalSecret' | 'store' | 'singleton' | 'ingress' | 'bootstrap' | 'gate' | 'other';

export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly category: ObjectCategory;
  readonly cluster: string;
  /** Environment instance (`dev`, `ai-slot-2`), or `-` for cluster-wide objects. */
  readonly instance: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** What changed, in words (keys and Vault references, never values). */
  readonly details: readonly string[];
}

export interface OwnershipRow {
  readonly service: string;
  readonly environment: string;
  readonly secret: string;
  readonly key: string;
  readonly store: string;
  /** Vault path and property, or the catalog pointer for base values; `-` when unresolved. */
  readonly path: string;
  readonly property: string;
  readonly tier: ResolutionTier | 'unresolved' | 'absent';
}

export interface FixtureCoverage {
  readonly environment: string;
  readonly referenced: number;
  readonly covered: number;
  /** Referenced locations without a fixture entry. */
  readonly missing: readonly string[];
  /** Fixture entries no key resolves to. */
  readonly orphans: readonly string[];
}

export interface ExceptionEntry {
  readonly type: 'allowlist' | 'inline';
  readonly rules: readonly string[];
  /** A path glob (allowlist) or `file:line` (inline). */
  readonly where: string;
  readonly object?: string;
  readonly reason: string;
  /** YYYY-MM-DD, allowlist entries only. */
  readonly expires?: string;
  readonly daysLeft?: number;
  readonly expired: boolean;
  /** Expires within 14 days. */
  readonly expiringSoon: boolean;
}

export interface BuildInput {
  readonly base: Snapshot;
  readonly head: Snapshot;
  /** Per-rule counts from the scanner over the working tree. */
  readonly rules: readonly RuleSummary[];
  readonly exceptions: readonly ExceptionEntry[];
}

const tierRank = (t: ResolutionTier) => RESOLUTION_TIERS.indexOf(t);

function source(r: Resolution | undefined): Source | null | undefined {
  if (!r) return undefined;
  return r.winner ? { tier: r.winner.tier, sourceKey: r.winner.sourceKey, location: r.winner.location } : null;
}

const resolutionId = (r: Resolution) => `${r.environment}\u0000${r.service}\u0000${r.secret}\u0000${r.key}`;

/** Keys gained, lost, or resolving from elsewhere, per environment. */
export function keyChanges(base: readonly Resolution[], head: readonly Resolution[]): KeyChange[] {
  const before = new Map(base.map((r) => [resolutionId(r), r]));
  const after = new Map(head.map((r) => [resolutionId(r), r]));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: KeyChange[] = [];
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const r = (a ?? b)!;
    const sb = source(b);
    const sa = source(a);
    if (b && a && JSON.stringify(sb) === JSON.stringify(sa)) continue;
    const tierChanged = Boolean(b && a && (sb?.tier ?? null) !== (sa?.tier ?? null));
    const fallback = Boolean(sb && sa && tierRank(sa.tier) > tierRank(sb.tier)) || Boolean(sb && a && sa === null);
    out.push({
      change: !b ? 'added' : !a ? 'removed' : 'changed',
      environment: r.environment,
      service: r.service,
      secret: r.secret,
      key: r.key,
      ...(b ? { before: sb } : {}),
      ...(a ? { after: sa } : {}),
      tierChanged,
      fallback,
    });
  }
  return out;
}

function objectId(o: RenderedObject): string {
  const a = o.metadata?.annotations ?? {};
  return `${a[Annotations.cluster] ?? '-'}\u0000${o.kind ?? ''}\u0000${o.metadata?.namespace ?? ''}\u0000${o.metadata?.name ?? ''}`;
}

export function categoryOf(o: RenderedObject): ObjectCategory {
  const a = o.metadata?.annotations ?? {};
  const component = o.metadata?.labels?.['app.kubernetes.io/component'] ?? '';
  if (o.kind === 'ExternalSecret') return 'ExternalSecret';
  if (o.kind === 'ClusterSecretStore' || o.kind === 'SecretStore') return 'store';
  if (o.kind === 'Ingress' || o.kind === 'Middleware' || o.kind === 'IngressRoute') return 'ingress';
  if (a[Annotations.oauthClient]) return 'singleton';
  if (/gate/.test(component)) return 'gate';
  if (/bootstrap|vault/.test(component) || /vault-(bootstrap|auto-credentials|seal)/.test(o.metadata?.name ?? '')) return 'bootstrap';
  return 'other';
}

/** `KEY <- secret/dev/agents#KEY` lines of an ExternalSecret: what a reviewer compares. */
function externalSecretLines(o: RenderedObject): string[] {
  const spec = (o.spec ?? {}) as { data?: { secretKey?: string; remoteRef?: { key?: string; property?: string } }[]; secretStoreRef?: { kind?: string; name?: string }; target?: { name?: string } };
  const lines = (spec.data ?? []).map((d) => `${d.secretKey} <- ${d.remoteRef?.key ?? ''}${d.remoteRef?.property ? `#${d.remoteRef.property}` : ''}`);
  lines.push(`store ${spec.secretStoreRef?.kind ?? 'SecretStore'}/${spec.secretStoreRef?.name ?? ''}`, `target Secret ${spec.target?.name ?? o.metadata?.name ?? ''}`);
  return lines;
}

function objectDetails(b: RenderedObject | undefined, a: RenderedObject | undefined): string[] {
  const o = (a ?? b)!;
  if (o.kind === 'ExternalSecret') {
    const lb = b ? externalSecretLines(b) : [];
    const la = a ? externalSecretLines(a) : [];
    return [...lb.filter((l) => !la.includes(l)).map((l) => `- ${l}`), ...la.filter((l) => !lb.includes(l)).map((l) => `+ ${l}`)];
  }
  if (b && a) {
    // Name what differs (fields, annotation and label keys), never the values.
    const differing = (x: Record<string, unknown> = {}, y: Record<string, unknown> = {}) =>
      [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
    const out: string[] = [];
    const fields = differing(b, a).filter((k) => k !== 'metadata');
    if (fields.length) out.push(`changed: ${fields.join(', ')}`);
    const annotations = differing(b.metadata?.annotations, a.metadata?.annotations);
    if (annotations.length) out.push(`annotations changed: ${annotations.join(', ')}`);
    const labels = differing(b.metadata?.labels, a.metadata?.labels);
    if (labels.length) out.push(`labels changed: ${labels.join(', ')}`);
    return out;
  }
  return [];
}

/**
 * The object without its provenance annotation: `secretops.dev/source` names the catalog entry by
 * index, so adding a service would otherwise mark every later object as changed.
 */
function comparable(o: RenderedObject): RenderedObject {
  const annotations = o.metadata?.annotations;
  if (!annotations || !(Annotations.source in annotations)) return o;
  const { [Annotations.source]: _source, ...rest } = annotations;
  return { ...o, metadata: { ...o.metadata, annotations: rest } };
}

export function objectChanges(base: readonly RenderedObject[], head: readonly RenderedObject[]): ObjectChange[] {
  const before = new Map(base.map((o) => [objectId(o), comparable(o)]));
  const after = new Map(head.map((o) => [objectId(o), comparable(o)]));
  const out: ObjectChange[] = [];
  for (const id of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const b = before.get(id);
    const a = after.get(id);
    if (b && a && JSON.stringify(b) === JSON.stringify(a)) continue;
    const o = (a ?? b)!;
    const ann = o.metadata?.annotations ?? {};
    out.push({
      change: !b ? 'added' : !a ? 'removed' : 'changed',
      category: categoryOf(o),
      cluster: ann[Annotations.cluster] ?? '-',
      instance: ann[Annotations.instance] ?? '-',
      kind: o.kind ?? '',
      namespace: o.metadata?.namespace ?? '',
      name: o.metadata?.name ?? '',
      details: objectDetails(b, a),
    });
  }
  return out;
}

/** Service x environment -> Secret, store, Vault path and property, tier. */
export function ownership(head: Snapshot): OwnershipRow[] {
  const catalog = head.project?.catalog;
  // The ClusterSecretStore the key is read through: its environment's, or the singletons' namespace's.
  const storeOf = (r: Resolution): string => {
    const env = catalog?.spec.environments.find((e) => e.name === r.environment);
    const svc = catalog?.spec.services.find((s) => s.name === r.service);
    if (!catalog || !env || !svc) return catalog?.spec.vault.store ?? '-';
    return svc.scope === 'infrastructure-singleton' ? singletonStoreName(catalog, serviceNamespace(svc, environmentInstances(env)[0]!)) : environmentStoreName(catalog, env);
  };
  return head.resolutions.map((r) => {
    const w = r.winner;
    const [path, property] = w?.vault ? [w.vault.path, w.vault.property] : w ? [w.location, r.key] : ['-', '-'];
    return {
      service: r.service,
      environment: r.environment,
      secret: r.secret,
      key: r.key,
      store: w?.tier === 'base' ? 'ConfigMap' : storeOf(r),
      path,
      property,
      tier: w ? w.tier : r.required ? 'unresolved' : 'absent',
    };
  });
}

/**
 * Per non-production environment: referenced keys with fixtures / all referenced, and the
 * environment's own entries nothing references. Shared entries are orphans only when no
 * non-production environment references them; they get a row of their own.
 */
export function fixtureCoverage(head: Snapshot): FixtureCoverage[] {
  const project = head.project;
  if (!project) return [];
  const kv = project.catalog.spec.vault.kvMount;
  const out: FixtureCoverage[] = [];
  const sharedReferenced = new Set<string>();
  const sharedEntries = new Set<string>();
  for (const env of project.catalog.spec.environments) {
    if (isProductionTier(env.tier)) continue;
    const inventory = project.fixtures.inventories.get(env.name);
    const referenced = new Set<string>();
    const missing = new Set<string>();
    for (const r of head.resolutions) {
      if (r.environment !== env.name) continue;
      const vaultWinner = r.winner?.vault;
      if (vaultWinner) referenced.add(`${vaultWinner.path}#${vaultWinner.property}`);
      else if (!r.winner && r.required) {
        // Where it would be expected: the first Vault candidate.
        const first = r.tried.find((c) => c.vault);
        if (first?.vault) {
          const loc = `${first.vault.path}#${first.vault.property}`;
          referenced.add(loc);
          missing.add(loc);
        }
      }
    }
    const orphans: string[] = [];
    for (const e of inventory?.entries() ?? []) {
      const loc = `${e.path}#${e.key}`;
      if (e.shared) {
        sharedEntries.add(loc);
        if (referenced.has(loc)) sharedReferenced.add(loc);
      } else if (!referenced.has(loc)) orphans.push(loc);
    }
    out.push({
      environment: env.name,
      referenced: referenced.size,
      covered: referenced.size - missing.size,
      missing: [...missing].sort().map((l) => `${kv}/${l}`),
      orphans: orphans.sort().map((l) => `${kv}/${l}`),
    });
  }
  if (sharedEntries.size > 0) {
    out.push({
      environment: 'shared (all non-production)',
      referenced: sharedReferenced.size,
      covered: sharedReferenced.size,
      missing: [],
      orphans: [...sharedEntries].filter((l) => !sharedReferenced.has(l)).sort().map((l) => `${kv}/${l}`),
    });
  }
  return out;
}

export function buildReport(input: BuildInput): ReportModel {
  const keys = keyChanges(input.base.resolutions, input.head.resolutions);
  const objects = objectChanges(input.base.objects, input.head.objects);
  const failing = input.rules.some((r) => r.status === 'fail');
  const count = <T extends { change: string }>(list: readonly T[], c: string) => list.filter((x) => x.change === c).length;
  return {
    version: 1,
    base: { label: input.base.label, ...(input.base.commit ? { commit: input.base.commit } : {}), problems: input.base.problems },
    head: { label: input.head.label, problems: input.head.problems },
    summary: {
      passed: !failing && input.head.problems.length === 0 && !input.exceptions.some((e) => e.expired),
      rules: input.rules,
      keysAdded: count(keys, 'added'),
      keysRemoved: count(keys, 'removed'),
      keysChanged: count(keys, 'changed'),
      fallbacks: keys.filter((k) => k.fallback).length,
      objectsAdded: count(objects, 'added'),
      objectsRemoved: count(objects, 'removed'),
      objectsChanged: count(objects, 'changed'),
    },
    changes: { keys, objects },
    ownership: ownership(input.head),
    fixtures: fixtureCoverage(input.head),
    exceptions: input.exceptions,
  };
}

/** Days from `today` (YYYY-MM-DD, UTC) to `date`; negative when past. */
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
