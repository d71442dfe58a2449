import { ExitCode, UserError } from '../errors';
import { loadCatalog, defaultFixturesDir, ProjectPaths, DEFAULT_SERVICES_FILE } from '../catalog/load';
import { buildInventories, checkFixtures, readFixtureFiles } from '../catalog/fixtures';
import { canonicalEnvironment } from '../catalog/layout';
import { Resolver } from './resolver';

/**
 * Loads catalog and fixtures for resolution. Unlike `loadProject` it does not fail on unresolved
 * keys: showing them is the point of `resolve`.
 */
export function loadProjectForResolve(paths: ProjectPaths, environment: string) {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  const { catalog, source } = loadCatalog(servicesFile);
  const files = readFixtureFiles(paths.fixturesDir ?? defaultFixturesDir(servicesFile));
  const problems = checkFixtures(catalog, files);
  if (problems.length > 0) throw new UserError(problems);
  const canonical = canonicalEnvironment(catalog, environment);
  if (!canonical) {
    const known = [...catalog.spec.environments.map((e) => e.name), ...Object.keys(catalog.spec.secretResolution?.environmentAliases ?? {})];
    throw new UserError({ file: servicesFile, message: `unknown environment "${environment}"`, hint: `use one of: ${known.join(', ')}` }, ExitCode.usage);
  }
  const resolver = new Resolver({ catalog, inventories: buildInventories(catalog, files) });
  return { catalog, source, files, resolver, canonical };
}
