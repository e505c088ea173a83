import { describe, expect, test } from 'vitest';
import { camelCase, isReservedWord, pascalCase, propertyKey, singular } from '../../src/render/naming.js';

describe('camelCase', () => {
  test('snake_case becomes camelCase', () => {
    expect(camelCase('display_name')).toBe('displayName');
    expect(camelCase('created_at_utc')).toBe('createdAtUtc');
  });

  test('PascalCase query names become camelCase functions', () => {
    expect(camelCase('GetUser')).toBe('getUser');
    expect(camelCase('ListUsersByIds')).toBe('listUsersByIds');
  });

  test('camelCase stays as it is', () => {
    expect(camelCase('displayName')).toBe('displayName');
    expect(camelCase('userID')).toBe('userID');
  });

  test('characters that cannot stand in an identifier break words', () => {
    expect(camelCase('zip code')).toBe('zipCode');
    expect(camelCase('total!')).toBe('total');
    expect(camelCase('a-b.c')).toBe('aBC');
    expect(camelCase('__leading__trailing__')).toBe('leadingTrailing');
  });

  test('an all-capitals leading word is lowered whole', () => {
    expect(camelCase('ID')).toBe('id');
    expect(camelCase('ID_number')).toBe('idNumber');
    expect(camelCase('HTTP2')).toBe('http2');
  });

  test('URLs becomes urls', () => {
    expect(camelCase('URLs')).toBe('urls');
  });

  test('letters outside ASCII are kept', () => {
    expect(camelCase('café_price')).toBe('caféPrice');
  });

  test('a leading digit gets an underscore', () => {
    expect(camelCase('1st_place')).toBe('_1stPlace');
    expect(camelCase('2fa')).toBe('_2fa');
  });

  test("PostgreSQL's ?column? becomes a plain identifier", () => {
    expect(camelCase('?column?')).toBe('column');
  });

  test('a name with no letters or digits still gives an identifier', () => {
    expect(camelCase('?')).toBe('_');
    expect(camelCase('')).toBe('_');
  });
});

describe('pascalCase', () => {
  test('type names', () => {
    expect(pascalCase('mpaa_rating')).toBe('MpaaRating');
    expect(pascalCase('getUser')).toBe('GetUser');
    expect(pascalCase('GetUser')).toBe('GetUser');
    expect(pascalCase('zip code')).toBe('ZipCode');
  });

  test('a leading digit gets an underscore', () => {
    expect(pascalCase('3d_shape')).toBe('_3dShape');
  });
});

describe('propertyKey', () => {
  test('identifiers stand bare', () => {
    expect(propertyKey('displayName')).toBe('displayName');
    expect(propertyKey('display_name')).toBe('display_name');
    expect(propertyKey('$x')).toBe('$x');
  });

  test('anything else is quoted as a string', () => {
    expect(propertyKey('zip code')).toBe('"zip code"');
    expect(propertyKey('1st')).toBe('"1st"');
    expect(propertyKey('?column?')).toBe('"?column?"');
    expect(propertyKey('say "hi"')).toBe('"say \\"hi\\""');
  });
});

describe('isReservedWord', () => {
  test('JavaScript reserved and strict-mode words', () => {
    for (const word of ['class', 'delete', 'new', 'await', 'yield', 'let', 'static', 'interface', 'arguments', 'eval']) {
      expect(isReservedWord(word), word).toBe(true);
    }
  });

  test('ordinary names, including SQL keywords, are not reserved', () => {
    for (const word of ['user', 'order', 'getUser', 'Class', 'from', 'select', 'of']) {
      expect(isReservedWord(word), word).toBe(false);
    }
  });
});

describe('singular', () => {
  test('plural table names become singular row type names', () => {
    const cases: Record<string, string> = {
      users: 'user', posts: 'post', categories: 'category', addresses: 'address', boxes: 'box',
      matches: 'match', post_tags: 'post_tag', people: 'people', status: 'status', analysis: 'analysis',
      access: 'access', keys: 'key', USERS: 'USER', days: 'day',
    };
    for (const [plural, one] of Object.entries(cases)) expect(singular(plural), plural).toBe(one);
  });
});
