import type { AnalyzedFile } from '../analyze/analyzed-query.js';
import type { Config } from '../config/config.js';
import { assembleOutput, type RenderedPart, type RenderResult } from '../render/assemble-output.js';
import type { Catalog } from '../schema/catalog.js';
import { catalogFingerprint } from './catalog-fingerprint.js';
import { hashOf, type RunCache } from './run-cache.js';

/**
 * `render(files, catalog, config)`, reusing the files a previous run rendered from the same
 * input. A module's key is a hash of its analysed queries, the catalog and the config;
 * `_types.ts` depends on the catalog and config only, `index.ts` on the module list. When
 * every file is in the cache, the template engine is not even loaded.
 */
export async function renderWithCache(files: readonly AnalyzedFile[], catalog: Catalog, config: Config, cache: RunCache): Promise<RenderResult> {
  const base = hashOf(catalogFingerprint(catalog), JSON.stringify(config));
  const moduleKeys = files.map((file) =>
    hashOf(base, 'module', JSON.stringify({ path: file.path, moduleName: file.moduleName, queries: file.queries })),
  );
  const typesKey = hashOf(base, 'types');
  const indexKey = hashOf(base, 'index', files.map((file) => file.moduleName).join('\n'));

  const modules: (RenderedPart | undefined)[] = moduleKeys.map((key) => cache.output(key));
  let types = cache.output(typesKey);
  let index = cache.output(indexKey);
  const missing = files.filter((_, i) => !modules[i]);
  if (missing.length || !types || !index) {
    const { renderParts } = await import('../render/render.js');
    const fresh = renderParts(catalog, config, { modules: missing, types: !types, index: index ? undefined : files });
    let next = 0;
    modules.forEach((part, i) => {
      if (!part) modules[i] = fresh.modules[next++];
    });
    types ??= fresh.types!;
    index ??= { file: fresh.index!, unknownTypes: [] };
  }

  moduleKeys.forEach((key, i) => cache.keepOutput(key, modules[i]!));
  cache.keepOutput(typesKey, types);
  cache.keepOutput(indexKey, index);
  return assembleOutput([...(modules as RenderedPart[]), types], index.file);
}
