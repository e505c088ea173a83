import type { Catalog } from '../schema/catalog.js';
import { hashOf } from './run-cache.js';

const fingerprints = new WeakMap<Catalog, string>();

/**
 * A hash of everything sqlgen read of the catalog. Analyses and rendered files depend on the
 * schema only through the catalog (and the statements' descriptions), so this decides
 * whether they may be reused.
 */
export function catalogFingerprint(catalog: Catalog): string {
  let found = fingerprints.get(catalog);
  if (found === undefined) {
    found = hashOf(JSON.stringify([[...catalog.types.values()], [...catalog.relations.values()], catalog.searchPath]));
    fingerprints.set(catalog, found);
  }
  return found;
}
