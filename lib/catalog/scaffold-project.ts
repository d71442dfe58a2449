import { Resolver } from '../resolver/resolver';
import { buildInventories, readFixtureFiles } from './fixtures';
import { defaultFixturesDir, DEFAULT_SERVICES_FILE, loadCatalog, ProjectPaths } from './load';

/** The catalog must be valid; fixture files must parse (semantic fixture problems are left for validate). */
export function loadProjectForScaffold(paths: ProjectPaths) {
  const servicesFile = paths.servicesFile ?? DEFAULT_SERVICES_FILE;
  const { catalog } = loadCatalog(servicesFile);
  const fixturesDir = paths.fixturesDir ?? defaultFixturesDir(servicesFile);
  const files = readFixtureFiles(fixturesDir);
  return { catalog, fixturesDir, files, resolver: new Resolver({ catalog, inventories: buildInventories(catalog, files) }) };
}
