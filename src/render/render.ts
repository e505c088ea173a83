import path from 'node:path';
import type { AnalyzedFile } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import type { Catalog } from '../schema/catalog.js';
import { camelCase } from './naming.js';
import { assembleOutput, type RenderedPart, type RenderResult } from './assemble-output.js';
import { header, type OutputFile } from './output-file.js';
import { renderModule } from './render-module.js';
import { renderSharedTypes } from './render-types-file.js';
import { sharedTypeNames } from './shared-types.js';
import { tableTypeNames } from './table-types.js';
import { template } from './templates.js';
import { createTypeMapper } from './type-map.js';
import { createValueCodecs } from './value-codec.js';

export type { RenderedPart, RenderResult };

/** What `renderParts` should render; any part may be left out. */
export interface PartsWanted {
  /** Query files whose modules to render. */
  readonly modules: readonly AnalyzedFile[];
  /** Render `_types.ts`. */
  readonly types: boolean;
  /** The whole module list, to render `index.ts` from. */
  readonly index: readonly AnalyzedFile[] | undefined;
}

/**
 * Turns analysed queries into the files of `out`: one module per query file, plus
 * `_types.ts`, `_runtime.ts` and `index.ts`. Pure: the same input gives the same bytes.
 */
export function render(files: readonly AnalyzedFile[], catalog: Catalog, config: Config): RenderResult {
  const parts = renderParts(catalog, config, { modules: files, types: true, index: files });
  return assembleOutput([...parts.modules, parts.types!], parts.index!);
}

/**
 * Renders the chosen files of `out` one by one, each with the types it could not map, so a
 * caller that keeps rendered files between runs renders only what changed. `render` is this
 * with every part.
 */
export function renderParts(
  catalog: Catalog,
  config: Config,
  wanted: PartsWanted,
): { modules: RenderedPart[]; types: RenderedPart | undefined; index: OutputFile | undefined } {
  const names = sharedTypeNames(catalog);
  const tables = tableTypeNames(catalog, new Set([...names.values(), 'JsonValue']));
  const codecs = createValueCodecs(catalog, names);
  const source = (file: string): string => path.relative(config.rootDir, file).split(path.sep).join('/');
  // A mapper per file, so that each file's unknown types are its own.
  const part = (draw: (types: ReturnType<typeof createTypeMapper>) => OutputFile): RenderedPart => {
    const types = createTypeMapper(catalog, config, names);
    const file = draw(types);
    return { file, unknownTypes: [...types.unknownTypes] };
  };

  const modules = wanted.modules.map((file) =>
    part((types) => renderModule(file, { config, catalog, types, codecs, tables, source: source(file.path) })),
  );
  const migrations = `${source(config.migrations) || '.'}/`;
  const types = wanted.types
    ? part((mapper) => ({ path: '_types.ts', contents: renderSharedTypes(catalog, config, mapper, codecs, names, tables, header(migrations)) }))
    : undefined;
  const index = wanted.index && {
    path: 'index.ts',
    contents: template('index')({
      header: header(config.queries.join(', ')),
      modules: wanted.index.map((file) => ({ namespace: camelCase(file.moduleName), path: file.moduleName })),
    }),
  };
  return { modules, types, index };
}
