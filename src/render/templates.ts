import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { packageRoot } from '../package-root.js';

export type Template = (view: object) => string;

const compiled = new Map<string, Template>();

/** A template from `templates/`, compiled once. Output is code, so nothing is HTML-escaped. */
export function template(name: 'module' | 'types' | 'index'): Template {
  let found = compiled.get(name);
  if (!found) {
    const source = readFileSync(path.join(packageRoot(), 'templates', `${name}.hbs`), 'utf8');
    const render = Handlebars.compile(source, { noEscape: true, strict: true, knownHelpersOnly: true });
    found = (view: object) => render(view);
    compiled.set(name, found);
  }
  return found;
}

/** The source of `generated/_runtime.ts`, which is `src/runtime/runtime.ts` verbatim. */
export function runtimeSource(): string {
  return readFileSync(path.join(packageRoot(), 'src', 'runtime', 'runtime.ts'), 'utf8');
}
