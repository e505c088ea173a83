import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';

export type Template = (view: object) => string;
export type TemplateName = 'module' | 'types' | 'index';

type Compiled = (view: object) => string;

const require = createRequire(import.meta.url);
const compiled = new Map<string, Template>();
let precompiled: Record<TemplateName, object> | null | undefined;

/**
 * A template from `templates/`, compiled once. Output is code, so nothing is HTML-escaped
 * (`templates/options.json`). The built CLI uses the templates precompiled at build time
 * (`scripts/compile-templates.mjs`) with Handlebars' runtime alone; run from the sources, as
 * under the tests, it compiles the `.hbs` files, so an edited template shows at once.
 */
export function template(name: TemplateName): Template {
  let found = compiled.get(name);
  if (!found) {
    const render = precompiledSpecs()?.[name] ? fromSpec(precompiledSpecs()![name]) : compileSource(name);
    found = (view: object) => render(view);
    compiled.set(name, found);
  }
  return found;
}

/** `dist/templates/templates.cjs`, when this code runs from `dist/` and the build wrote it. */
function precompiledSpecs(): Record<TemplateName, object> | undefined {
  if (precompiled === undefined) {
    const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates', 'templates.cjs');
    precompiled = file.includes(`${path.sep}dist${path.sep}`) && existsSync(file) ? (require(file) as Record<TemplateName, object>) : null;
  }
  return precompiled ?? undefined;
}

function fromSpec(spec: object): Compiled {
  const runtime = require('handlebars/runtime') as { template(spec: object): Compiled };
  return runtime.template(spec);
}

function compileSource(name: TemplateName): Compiled {
  const handlebars = require('handlebars') as { compile(source: string, options: object): Compiled };
  const dir = path.join(packageRoot(), 'templates');
  const options = JSON.parse(readFileSync(path.join(dir, 'options.json'), 'utf8')) as object;
  return handlebars.compile(readFileSync(path.join(dir, `${name}.hbs`), 'utf8'), options);
}
