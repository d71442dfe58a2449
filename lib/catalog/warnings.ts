import type { Diagnostic } from '../errors';
import { diagnosticAt } from '../yaml-source';
import { clusters } from './layout';
import type { LoadedCatalog } from './load';

/**
 * What a valid catalog may still get wrong: positioned like errors, but `validate` and synth print
 * them and go on (exit code unchanged).
 */
export function catalogWarnings(loaded: LoadedCatalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const vault = loaded.catalog.spec.vault;
  if (!vault.seal) {
    for (const c of clusters(loaded.catalog)) {
      if (!c.production) continue;
      out.push(
        diagnosticAt(
          loaded.source,
          '/spec/vault',
          `cluster "${c.name}" hosts a production-tier environment but spec.vault.seal is not set: no auto-unseal values are rendered (vault-seal-config), so its Vault stays sealed after every restart until people unseal it`,
          'set spec.vault.seal (awskms, gcpckms, azurekeyvault or transit), see docs/vault-production-bootstrap.md step 1',
        ),
      );
    }
  }
  return out;
}
