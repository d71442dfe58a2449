import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';

/**
 * One ajv instance for all of secretops' own file formats (draft 2020-12). `verbose` makes errors
 * carry their parent schema, so an unknown-field error can list the fields allowed there.
 */
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, verbose: true });

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

export { schemaDiagnostics } from './schema-diagnostics';
