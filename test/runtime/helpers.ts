import type { Statement, TypeOptions, TypeParsers } from '../../src/runtime/runtime.js';
import { typeParsers } from '../../src/runtime/runtime.js';

export const defaultTypes: TypeParsers = typeParsers({ int8: 'string', numeric: 'string', date: 'string' });

let counter = 0;

/** A statement as the generator would emit it: named, array rows, mapped by `map` when given. */
export function statement<Row = never>(
  name: string,
  text: string,
  extra: { map?: (row: any) => Row; prepare?: boolean; arrayRows?: boolean; types?: TypeOptions } = {},
): Statement<Row> {
  counter += 1;
  return {
    name,
    text,
    ...(extra.prepare === false ? {} : { prepare: `sqlgen_test_${process.pid}_${counter}` }),
    types: extra.types === undefined ? defaultTypes : typeParsers(extra.types),
    arrayRows: extra.arrayRows ?? true,
    ...(extra.map === undefined ? {} : { map: extra.map }),
  };
}

/** Resolves with what `promise` rejected with; fails when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
