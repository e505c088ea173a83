import { loadModule } from 'libpg-query';
import { beforeAll, describe, expect, test } from 'vitest';
import { quoteIdentifier } from '../../src/analyze/star-expansion.js';

beforeAll(async () => {
  await loadModule();
});

describe('quoteIdentifier', () => {
  test('plain lowercase names stand bare', () => {
    expect(quoteIdentifier('id')).toBe('id');
    expect(quoteIdentifier('display_name')).toBe('display_name');
    expect(quoteIdentifier('_x1$')).toBe('_x1$');
  });

  test('reserved keywords are quoted', () => {
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('order')).toBe('"order"');
    expect(quoteIdentifier('select')).toBe('"select"');
  });

  test('unreserved keywords stand bare', () => {
    expect(quoteIdentifier('type')).toBe('type');
    expect(quoteIdentifier('name')).toBe('name');
    expect(quoteIdentifier('comment')).toBe('comment');
  });

  test('column-name and type-function-name keywords are quoted, as quote_ident does', () => {
    expect(quoteIdentifier('time')).toBe('"time"');
    expect(quoteIdentifier('between')).toBe('"between"');
    expect(quoteIdentifier('left')).toBe('"left"');
  });

  test('capitals, spaces, a leading digit and other characters are quoted', () => {
    expect(quoteIdentifier('Email')).toBe('"Email"');
    expect(quoteIdentifier('zip code')).toBe('"zip code"');
    expect(quoteIdentifier('1st')).toBe('"1st"');
    expect(quoteIdentifier('a-b')).toBe('"a-b"');
    expect(quoteIdentifier('café')).toBe('"café"');
    expect(quoteIdentifier('?column?')).toBe('"?column?"');
  });

  test('double quotes inside are doubled', () => {
    expect(quoteIdentifier('say "hi"')).toBe('"say ""hi"""');
  });

  test('the same answer the second time (cached)', () => {
    expect(quoteIdentifier('user')).toBe('"user"');
    expect(quoteIdentifier('user')).toBe('"user"');
  });
});
