// Compiles sqlgen.schema.json into a standalone validator module beside the built config
// code, so `sqlgen generate` does not load and run Ajv's compiler on every start (~150 ms).
// validate-config.ts falls back to compiling the schema when this file is absent (tests run
// from src/).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schema = JSON.parse(readFileSync(path.join(root, 'sqlgen.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true, code: { source: true, esm: true } });
const validate = ajv.compile(schema);
// Ajv's standalone output still require()s its small runtime helpers; this package is ESM.
const imports = [];
const code = standaloneCode.default(ajv, validate).replace(/require\("([^"]+)"\)/g, (_, module) => {
  imports.push(`import helper${imports.length} from ${JSON.stringify(`${module}.js`)};`);
  return `helper${imports.length - 1}`;
});
writeFileSync(path.join(root, 'dist', 'src', 'config', 'schema-validator.js'), `${imports.join('\n')}\n${code}`);
