import { Resolver } from '../resolver/resolver';
import { loadFixtures } from '../catalog/fixtures';
import { defaultFixturesDir, DEFAULT_SERVICES_FILE, loadCatalog, ProjectPaths } from '../catalog/load';

/**
 * The catalog and the fixture files must be valid (unresolved keys are what scaffold is for). A
 * fixture file whose name does not match its environment would otherwise get a second file for
 * that environment written over whatever holds the expected name.
 */
export function loadProjectForScaffold(paths: ProjectPaths) {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  const { catalog } = loadCatalog(servicesFile);
  const fixturesDir = paths.fixturesDir ?? defaultFixturesDir(servicesFile);
  const { files, inventories } = loadFixtures(catalog, fixturesDir);
  return { catalog, fixturesDir, files, resolver: new Resolver({ catalog, inventories }) };
}
