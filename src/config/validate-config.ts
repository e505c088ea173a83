import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closestName } from './closest-name.js';

/** One way the config breaks the schema, tied to a JSON Pointer into the file. */
export interface ConfigProblem {
  readonly pointer: string;
  /** Point at the member's key (unknown keys) or at its value (wrong values). */
  readonly at: 'key' | 'value';
  readonly message: string;
}

let validator: Promise<ValidateFunction> | undefined;

/**
 * Checks a parsed config against `sqlgen.schema.json` (the file editors use, so the two cannot
 * disagree) and words every violation for a user, naming the key as a dotted path:
 *
 * ```
 * "types.int8" must be one of "string", "bigint", "number" (got "int")
 * unknown key "typs" (did you mean "types"?)
 * ```
 */
export async function validateConfig(config: unknown): Promise<ConfigProblem[]> {
  validator ??= compileSchema();
  const validate = await validator;
  if (validate(config)) return [];
  return (validate.errors ?? []).map((error) => describeError(error, config));
}

async function compileSchema(): Promise<ValidateFunction> {
  // The build compiles the schema ahead of time (scripts/compile-schema.mjs, same options),
  // which saves loading and running Ajv's compiler on every start; from src/ it is compiled here.
  const precompiled = './schema-validator.js';
  const built = (await import(precompiled).catch(() => undefined)) as { default: ValidateFunction } | undefined;
  if (built) return built.default;
  const { Ajv } = await import('ajv');
  const path = join(await packageRoot(), 'sqlgen.schema.json');
  const schema = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true, strict: true });
  return ajv.compile(schema);
}

/** The folder holding package.json above this module, whether it runs from src/ or dist/src/. */
async function packageRoot(): Promise<string> {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const found = await stat(join(dir, 'package.json')).then(
      (s) => s.isFile(),
      () => false,
    );
    if (found) return dir;
    if (dirname(dir) === dir) throw new Error(`sqlgen: no package.json above ${start}; the installation is broken`);
  }
}

function describeError(error: ErrorObject, root: unknown): ConfigProblem {
  const pointer = error.instancePath;
  const name = keyPath(root, pointer);
  const value = valueAt(root, pointer);
  const got = `(got ${describeValue(value)})`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty']);
      const memberPointer = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closestName(key, known);
      const prefix = pointer === '' ? '' : `${name}.`;
      const didYouMean = suggestion === undefined ? '' : ` (did you mean "${prefix}${suggestion}"?)`;
      return { pointer: memberPointer, at: 'key', message: `unknown key "${keyPath(root, memberPointer)}"${didYouMean}` };
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { pointer, at: 'value', message: `"${name}" must be one of ${allowed} ${got}` };
    }
    case 'type':
      return { pointer, at: 'value', message: `${subject(name)} must be ${expectedType(pointer, params['type'])} ${got}` };
    case 'minLength':
      return { pointer, at: 'value', message: `"${name}" must not be empty` };
    case 'minItems':
      return { pointer, at: 'value', message: pointer === '/queries' ? '"queries" must list at least one glob' : `"${name}" must not be empty` };
    case 'required':
      return { pointer, at: 'value', message: `"${name}" is missing the required key "${String(params['missingProperty'])}"` };
    default:
      return { pointer, at: 'value', message: `${subject(name)} ${error.message ?? 'is invalid'}` };
  }
}

function subject(name: string): string {
  return name === '' ? 'the config' : `"${name}"`;
}

function expectedType(pointer: string, type: unknown): string {
  if (pointer === '') return 'a JSON object';
  if (pointer === '/queries') return 'an array of glob strings';
  if (/^\/queries\/\d+$/.test(pointer)) return 'a glob string';
  if (/^\/types\/overrides\/[^/]+$/.test(pointer)) return 'a TypeScript type (a string) or { "type": "...", "import": "..." }';
  const names: Record<string, string> = {
    string: 'a string',
    boolean: 'true or false',
    object: 'an object',
    array: 'an array',
    number: 'a number',
    integer: 'an integer',
    null: 'null',
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => names[String(t)] ?? String(t)).join(' or ');
}

/** Renders a value briefly for "(got ...)". */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return String(value);
}

function pointerKeys(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function member(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}

function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const key of pointerKeys(pointer)) value = member(value, key);
  return value;
}

/**
 * The key a user would write for a JSON Pointer: `/types/int8` -> `types.int8`,
 * `/queries/0` -> `queries[0]`, `/types/overrides/public.users.id` -> `types.overrides["public.users.id"]`.
 */
export function keyPath(root: unknown, pointer: string): string {
  let path = '';
  let value = root;
  for (const key of pointerKeys(pointer)) {
    if (Array.isArray(value)) path += `[${key}]`;
    else if (path === '') path = key;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `.${key}`;
    else path += `[${JSON.stringify(key)}]`;
    value = member(value, key);
  }
  return path;
}
