import type { ClusterReader, StoreObservation } from './cluster';
import type { ExternalSecretTarget, SmokeTargets } from './targets';

export interface ExternalSecretStatus {
  readonly namespace: string;
  readonly externalSecret: string;
  readonly secret: string;
  readonly instance?: string;
  /** false when the ExternalSecret does not exist. */
  readonly exists: boolean;
  readonly ready: boolean;
  /** The Ready condition's message when not ready (ESO's words; it names objects, not values). */
  readonly message?: string;
  readonly secretExists: boolean;
  readonly missingKeys: readonly string[];
  readonly ok: boolean;
}

export interface StoreStatus {
  readonly name: string;
  readonly exists: boolean;
  readonly ready: boolean;
  readonly message?: string;
  /**
   * Namespaces the live store serves beyond those synth limits it to (`["*"]`: it has no
   * conditions, so every namespace); set only when there are some. Such a store breaks the
   * per-environment isolation even when Ready.
   */
  readonly unexpectedNamespaces?: readonly string[];
  readonly ok: boolean;
}

export interface SmokeResult {
  readonly environment: string;
  readonly slot?: number;
  readonly ok: boolean;
  readonly stores: readonly StoreStatus[];
  readonly externalSecrets: readonly ExternalSecretStatus[];
  /** True when the deadline passed before everything was ready. */
  readonly timedOut: boolean;
}

export interface SmokeOptions {
  readonly timeoutMs: number;
  /** Time between polls. @default 2000 */
  readonly intervalMs?: number;
  /** Called after each poll that is not yet all ready (progress line). */
  readonly onProgress?: (ready: number, total: number, remainingMs: number) => void;
  /** Injected for tests. @default Date.now */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

async function checkOnce(reader: ClusterReader, targets: SmokeTargets): Promise<Omit<SmokeResult, 'timedOut'>> {
  const stores: StoreStatus[] = [];
  for (const name of targets.stores) {
    const c = await reader.clusterSecretStore(name);
    stores.push(storeStatus(name, c, targets.storeNamespaces?.[name]));
  }
  const externalSecrets: ExternalSecretStatus[] = [];
  for (const t of targets.externalSecrets) externalSecrets.push(await externalSecretStatus(reader, t));
  const ok = stores.every((s) => s.ok) && externalSecrets.every((e) => e.ok);
  return { environment: targets.environment, ...(targets.slot !== undefined ? { slot: targets.slot } : {}), ok, stores, externalSecrets };
}

function storeStatus(name: string, c: StoreObservation | undefined, rendered: readonly string[] | undefined): StoreStatus {
  const unexpected = !c || !rendered ? [] : c.namespaces === undefined ? ['*'] : c.namespaces.filter((ns) => !rendered.includes(ns));
  return {
    name,
    exists: Boolean(c),
    ready: Boolean(c?.ready),
    ...(c && !c.ready && c.message ? { message: c.message } : {}),
    ...(unexpected.length > 0 ? { unexpectedNamespaces: unexpected } : {}),
    ok: Boolean(c?.ready) && unexpected.length === 0,
  };
}

async function externalSecretStatus(reader: ClusterReader, t: ExternalSecretTarget): Promise<ExternalSecretStatus> {
  const c = await reader.externalSecret(t.namespace, t.name);
  const keys = await reader.secretKeys(t.namespace, t.secretName);
  const missingKeys = keys ? t.keys.filter((k) => !keys.includes(k)) : [...t.keys];
  const ready = Boolean(c?.ready);
  return {
    namespace: t.namespace,
    externalSecret: t.name,
    secret: t.secretName,
    ...(t.instance ? { instance: t.instance } : {}),
    exists: Boolean(c),
    ready,
    ...(c && !ready && (c.message || c.reason) ? { message: c.message ?? c.reason } : {}),
    secretExists: Boolean(keys),
    missingKeys,
    ok: ready && Boolean(keys) && missingKeys.length === 0,
  };
}

/**
 * Polls until everything is ready or the timeout passes; returns the last observation. Never reads
 * or returns a value: the reader hands back key names only.
 */
export async function runSmoke(reader: ClusterReader, targets: SmokeTargets, opts: SmokeOptions): Promise<SmokeResult> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const interval = opts.intervalMs ?? 2000;
  const deadline = now() + opts.timeoutMs;
  for (;;) {
    const r = await checkOnce(reader, targets);
    if (r.ok) return { ...r, timedOut: false };
    const remaining = deadline - now();
    if (remaining <= 0) return { ...r, timedOut: true };
    const total = r.stores.length + r.externalSecrets.length;
    const ready = r.stores.filter((s) => s.ok).length + r.externalSecrets.filter((e) => e.ok).length;
    opts.onProgress?.(ready, total, remaining);
    await sleep(Math.min(interval, remaining));
  }
}
