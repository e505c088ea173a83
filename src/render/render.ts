import path from 'node:path';
import type { AnalyzedFile } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Catalog } from '../schema/catalog.js';
import { camelCase } from './naming.js';
import { header, type OutputFile } from './output-file.js';
import { renderModule } from './render-module.js';
import { renderSharedTypes } from './render-types-file.js';
import { sharedTypeNames } from './shared-types.js';
import { tableTypeNames } from './table-types.js';
import { runtimeSource, template } from './templates.js';
import { createTypeMapper } from './type-map.js';
import { createValueCodecs } from './value-codec.js';

export interface RenderResult {
  readonly files: readonly OutputFile[];
  readonly warnings: readonly Diagnostic[];
}

/**
 * Turns analysed queries into the files of `out`: one module per query file, plus
 * `_types.ts`, `_runtime.ts` and `index.ts`. Pure: the same input gives the same bytes.
 */
export function render(files: readonly AnalyzedFile[], catalog: Catalog, config: Config): RenderResult {
  const names = sharedTypeNames(catalog);
  const tables = tableTypeNames(catalog, new Set([...names.values(), 'JsonValue']));
  const types = createTypeMapper(catalog, config, names);
  const codecs = createValueCodecs(catalog, names);
  const source = (file: string): string => path.relative(config.rootDir, file).split(path.sep).join('/');

  const modules = files.map((file) => renderModule(file, { config, catalog, types, codecs, tables, source: source(file.path) }));
  const migrations = `${source(config.migrations) || '.'}/`;
  const output: OutputFile[] = [
    ...modules,
    { path: '_types.ts', contents: renderSharedTypes(catalog, config, types, codecs, names, tables, header(migrations)) },
    { path: '_runtime.ts', contents: `${header('sqlgen runtime')}\n\n${runtimeSource()}` },
    {
      path: 'index.ts',
      contents: template('index')({
        header: header(config.queries.join(', ')),
        modules: files.map((file) => ({ namespace: camelCase(file.moduleName), path: file.moduleName })),
      }),
    },
  ];
  const warnings: Diagnostic[] = [...types.unknownTypes].sort().map((name) => ({
    severity: 'warning',
    message: `type ${name} has no TypeScript mapping; it is typed as string (map it with "types.overrides")`,
  }));
  return { files: output.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), warnings };
}
