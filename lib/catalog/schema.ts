import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';

/** One ajv instance for all of secretops' own file formats (draft 2020-12). */
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });

export function compileSchema(schema: object): ValidateFunction {
  return ajv.compile(schema);
}

export { schemaDiagnostics } from './schema-diagnostics';
