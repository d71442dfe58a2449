import type { SecretLevel } from '../catalog/types';
import { Annotations, Labels, MANAGED_BY, Stage, STAGE_WAVES } from './metadata';

/**
 * Where an object comes from and where it is delivered. Charts carry one for all their objects;
 * a construct may set a more precise label or annotation itself (an ExternalSecret names its
 * secret's catalog pointer), and stamping never overwrites what an object already says.
 */
export interface Provenance {
  /** `app.kubernetes.io/name`: the catalog service (or platform piece) the object belongs to. */
  readonly name: string;
  /** `app.kubernetes.io/part-of`: the catalog's `metadata.name`. */
  readonly partOf: string;
  /** `app.kubernetes.io/component`: what the object is for (`external-secrets`, `oauth2-proxy`...). */
  readonly component: string;
  /** `app.kubernetes.io/instance`: e.g. `agents-ai-slot-1`. */
  readonly instance?: string;
  /** `services.yaml#/spec/services/3`: the catalog entry a reviewer can trace the object back to. */
  readonly source: string;
  readonly cluster?: string;
  /** Canonical environment name. */
  readonly environment?: string;
  /** Environment instance (`ai-slot-2`, or the environment name). */
  readonly environmentInstance?: string;
  readonly level?: SecretLevel;
  readonly oauthClient?: string;
  /** The `dist/` folder that delivers the object. */
  readonly distComponent: string;
  readonly stage: Stage;
}

export function provenanceLabels(p: Provenance): Record<string, string> {
  return {
    [Labels.name]: p.name,
    [Labels.partOf]: p.partOf,
    [Labels.managedBy]: MANAGED_BY,
    [Labels.component]: p.component,
    ...(p.instance ? { [Labels.instance]: p.instance } : {}),
  };
}

export function provenanceAnnotations(p: Provenance): Record<string, string> {
  return {
    [Annotations.source]: p.source,
    [Annotations.component]: p.distComponent,
    [Annotations.syncWave]: String(STAGE_WAVES[p.stage]),
    ...(p.cluster ? { [Annotations.cluster]: p.cluster } : {}),
    ...(p.environment ? { [Annotations.environment]: p.environment } : {}),
    ...(p.environmentInstance ? { [Annotations.instance]: p.environmentInstance } : {}),
    ...(p.level ? { [Annotations.level]: p.level } : {}),
    ...(p.oauthClient ? { [Annotations.oauthClient]: p.oauthClient } : {}),
  };
}

/** A manifest as cdk8s renders it. */
export interface ManifestJson {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * Adds every provenance label and annotation the manifest does not already set, and sorts both
 * maps by key so output does not depend on the order constructs added them.
 */
export function stampManifest(manifest: ManifestJson, p: Provenance): ManifestJson {
  const metadata = (manifest.metadata ??= {});
  metadata.labels = sortedMerge(provenanceLabels(p), metadata.labels);
  metadata.annotations = sortedMerge(provenanceAnnotations(p), metadata.annotations);
  return manifest;
}

function sortedMerge(defaults: Record<string, string>, own: Record<string, string> | undefined): Record<string, string> {
  const merged: Record<string, string> = { ...defaults, ...(own ?? {}) };
  const out: Record<string, string> = {};
  for (const k of Object.keys(merged).sort()) out[k] = merged[k]!;
  return out;
}
