import { dirname, join } from 'node:path';
import { sortDiagnostics, UserError } from '../errors';
import { readFrom, type ProjectFiles } from './files';
import { parseYamlSource, readTextFile, YamlSource } from '../yaml-source';
import { compileSchema, schemaDiagnostics } from './schema';
import catalogSchema from './services.schema.json';
import type { ServiceCatalog } from './types';
import { checkCatalogSemantics } from './validate';

export const DEFAULT_SERVICES_FILE = 'services.yaml';

const validateCatalogShape = compileSchema(catalogSchema);

export interface LoadedCatalog {
  readonly catalog: ServiceCatalog;
  readonly source: YamlSource;
}

export interface ProjectPaths {
  /** @default "services.yaml" */
  readonly servicesFile?: string;
  /** @default the `fixtures/` folder beside the services file */
  readonly fixturesDir?: string;
  /** Where the files are read from (`scan --staged`: the index). @default the disk */
  readonly files?: ProjectFiles;
}

export function defaultFixturesDir(servicesFile: string): string {
  return join(dirname(servicesFile), 'fixtures');
}

/** Parses and validates the catalog alone (schema, then semantics). Throws one UserError with every problem. */
export function loadCatalog(servicesFile: string = DEFAULT_SERVICES_FILE, files?: ProjectFiles): LoadedCatalog {
  const text = files ? readFrom(files, servicesFile, 'services file') : readTextFile(servicesFile, 'services file', '--services FILE');
  return loadCatalogText(servicesFile, text);
}

export function loadCatalogText(file: string, text: string): LoadedCatalog {
  const source = parseYamlSource(file, text);
  const shape = schemaDiagnostics(validateCatalogShape, source);
  if (shape.length > 0) throw new UserError(sortDiagnostics(shape));
  const catalog = source.value as ServiceCatalog;
  const semantic = checkCatalogSemantics(catalog, source);
  if (semantic.length > 0) throw new UserError(sortDiagnostics(semantic));
  return { catalog, source };
}
