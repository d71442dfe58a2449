import { ExitCode, UserError } from '../errors';
import { loadCatalog, defaultFixturesDir, ProjectPaths, DEFAULT_SERVICES_FILE } from '../catalog/load';
import { loadFixtures } from '../catalog/fixtures';
import { canonicalEnvironment } from '../catalog/layout';
import { Resolver } from './resolver';
import { quoteInput } from '../quote-input';

/**
 * Loads catalog and fixtures for resolution. Unlike `loadProject` it does not fail on unresolved
 * keys: showing them is the point of `resolve`. An unknown environment or service is bad usage.
 */
export function loadProjectForResolve(paths: ProjectPaths, environment: string, service?: string) {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  const { catalog, source } = loadCatalog(servicesFile);
  const fixtures = loadFixtures(catalog, paths.fixturesDir ?? defaultFixturesDir(servicesFile));
  const canonical = canonicalEnvironment(catalog, environment);
  if (!canonical) {
    const known = [...catalog.spec.environments.map((e) => e.name), ...Object.keys(catalog.spec.secretResolution?.environmentAliases ?? {})];
    throw new UserError({ file: servicesFile, message: `unknown environment ${quoteInput(environment)}`, hint: `use one of: ${known.join(', ')}` }, ExitCode.usage);
  }
  if (service !== undefined && !catalog.spec.services.some((s) => s.name === service)) {
    throw new UserError(
      { file: servicesFile, message: `unknown service ${quoteInput(service)}`, hint: `use one of: ${catalog.spec.services.map((s) => s.name).join(', ')}` },
      ExitCode.usage,
    );
  }
  const resolver = new Resolver({ catalog, inventories: fixtures.inventories });
  return { catalog, source, files: fixtures.files, resolver, canonical };
}
