import type { ServiceCatalog } from './types';

/**
 * Every container image synth renders, in one place, each pinned `tag@sha256:<digest>` so a moved
 * tag cannot change what runs while the root or bootstrap token is mounted. The tag is for people;
 * the digest is what the kubelet pulls. A catalog overrides any of them under `spec.images`
 * (`spec.vault.bootstrap.image` still wins for the bootstrap, as before).
 *
 * Updating (docs/images.md): pick the new tag, resolve its digest with
 * `crane digest <image>:<tag>` or `docker buildx imagetools inspect <image>:<tag>` (the index digest,
 * so every architecture matches), replace the line below, synthesize and commit dist/.
 */
export interface ImageSet {
  /** Vault bootstrap (dev and production): sh, curl, jq and the busybox tools od, tr, awk, sha256sum, wc. */
  readonly bootstrap: string;
  /** Readiness gate: sh, curl and jq. */
  readonly readinessGate: string;
  readonly oauth2Proxy: string;
}

export const DEFAULT_IMAGES: ImageSet = {
  // Alpine with curl and jq and nothing else (github.com/badouralix/dockerfiles, curl-jq); busybox
  // provides sh, od, tr, awk, sha256sum and wc. Runs as 65532 under the pod securityContext.
  bootstrap: 'docker.io/badouralix/curl-jq:latest@sha256:3670578737d1d2019b10a4f9e607284101feb9fdd6b0478e78ea87bf61d96145',
  readinessGate: 'docker.io/badouralix/curl-jq:latest@sha256:3670578737d1d2019b10a4f9e607284101feb9fdd6b0478e78ea87bf61d96145',
  // The current 7.x release (security fixes of 7.13 to 7.15 included); distroless, runs as 65532.
  // @see https://github.com/oauth2-proxy/oauth2-proxy/releases
  oauth2Proxy: 'quay.io/oauth2-proxy/oauth2-proxy:v7.15.5@sha256:8498b0d0ef0a7b29686414000a08aee467f02d0299c9ed1e006a8f33fc017916',
};

/** `registry/name:tag@sha256:<64 hex>`: what the catalog schema requires of `spec.images`. */
export const PINNED_IMAGE = /^[^\s@]+:[^\s@]+@sha256:[0-9a-f]{64}$/;

/** The images of a catalog: its overrides over the defaults. */
export function imagesOf(catalog: ServiceCatalog): ImageSet {
  const o = catalog.spec.images ?? {};
  return {
    bootstrap: catalog.spec.vault.bootstrap?.image ?? o.bootstrap ?? DEFAULT_IMAGES.bootstrap,
    readinessGate: o.readinessGate ?? DEFAULT_IMAGES.readinessGate,
    oauth2Proxy: o.oauth2Proxy ?? DEFAULT_IMAGES.oauth2Proxy,
  };
}
