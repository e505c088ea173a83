/** Where a value sits in the JSON text: its key (for object members) and its first character. */
export interface JsonLocation {
  /** Offset of the opening quote of the member's key; absent for the root and array items. */
  readonly key?: number;
  /** Offset of the value's first character. */
  readonly value: number;
}

export interface ParsedJson {
  readonly value: unknown;
  /** Keyed by JSON Pointer (`''`, `/types/int8`, `/queries/0`), the form ajv's `instancePath` uses. */
  readonly locations: ReadonlyMap<string, JsonLocation>;
  /** Members whose key repeats an earlier key of the same object (JSON.parse keeps the last silently). */
  readonly duplicateKeys: readonly { readonly pointer: string; readonly offset: number }[];
}

/** A syntax error at `offset` of the text, with a message a user can act on. */
export class JsonSyntaxError extends Error {
  readonly offset: number;
  readonly hint: string | undefined;

  constructor(message: string, offset: number, hint?: string) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.offset = offset;
    this.hint = hint;
  }
}

/** Escapes one key for a JSON Pointer (RFC 6901). */
export function pointerSegment(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

const maxDepth = 512;
const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const stringPattern = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * Parses strict JSON (RFC 8259) and records where every value is, so that errors about the
 * value can point at the user's file. JSON.parse cannot do either: its messages differ between
 * Node versions and some carry no position.
 *
 * @example
 * parseJsonWithLocations('{\n  "out": 1\n}').locations.get('/out') // { key: 4, value: 11 }
 */
export function parseJsonWithLocations(text: string): ParsedJson {
  const locations = new Map<string, JsonLocation>();
  const duplicateKeys: { pointer: string; offset: number }[] = [];
  let pos = 0;

  const describe = (at: number): string => {
    if (at >= text.length) return 'end of file';
    const word = /[A-Za-z_$][\w$]*/y;
    word.lastIndex = at;
    const match = word.exec(text);
    return JSON.stringify(match ? match[0] : text.charAt(at));
  };

  const hintAt = (at: number): string | undefined => {
    if (text.startsWith('//', at) || text.startsWith('/*', at)) return 'comments are not allowed in JSON';
    if (text.charAt(at) === "'") return 'JSON strings and keys use double quotes';
    return undefined;
  };

  const fail = (expected: string, at: number): never => {
    throw new JsonSyntaxError(`${expected}, found ${describe(at)}`, at, hintAt(at));
  };

  const skipWhitespace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      pos++;
    }
  };

  const parseString = (): string => {
    stringPattern.lastIndex = pos;
    const match = stringPattern.exec(text);
    if (!match) {
      // Find what breaks the string so the caret lands on it.
      let i = pos + 1;
      while (i < text.length) {
        const c = text.charCodeAt(i);
        if (c === 0x22) break;
        if (c < 0x20) throw new JsonSyntaxError('unterminated string (strings cannot span lines)', pos);
        if (c === 0x5c) {
          const escape = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;
          escape.lastIndex = i;
          if (!escape.test(text)) throw new JsonSyntaxError('invalid escape sequence in string', i);
          i = escape.lastIndex;
          continue;
        }
        i++;
      }
      throw new JsonSyntaxError('unterminated string', pos);
    }
    pos += match[0].length;
    return JSON.parse(match[0]) as string;
  };

  const parseValue = (pointer: string, key: number | undefined, depth: number): unknown => {
    skipWhitespace();
    const start = pos;
    locations.set(pointer, key === undefined ? { value: start } : { key, value: start });
    if (depth > maxDepth) throw new JsonSyntaxError('values are nested too deeply', start);
    const c = text.charAt(pos);
    if (c === '{') return parseObject(pointer, depth);
    if (c === '[') return parseArray(pointer, depth);
    if (c === '"') return parseString();
    for (const [literal, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(literal, pos)) {
        pos += literal.length;
        return value;
      }
    }
    numberPattern.lastIndex = pos;
    const number = numberPattern.exec(text);
    if (number) {
      pos += number[0].length;
      return Number(number[0]);
    }
    return fail('expected a value', pos);
  };

  const parseObject = (pointer: string, depth: number): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    const seen = new Set<string>();
    pos++;
    skipWhitespace();
    if (text.charAt(pos) === '}') {
      pos++;
      return object;
    }
    for (;;) {
      skipWhitespace();
      if (text.charAt(pos) !== '"') fail('expected a property name in double quotes', pos);
      const keyOffset = pos;
      const key = parseString();
      const memberPointer = `${pointer}/${pointerSegment(key)}`;
      if (seen.has(key)) duplicateKeys.push({ pointer: memberPointer, offset: keyOffset });
      seen.add(key);
      skipWhitespace();
      if (text.charAt(pos) !== ':') fail(`expected ":" after ${JSON.stringify(key)}`, pos);
      pos++;
      const value = parseValue(memberPointer, keyOffset, depth + 1);
      // defineProperty, not assignment: a "__proto__" key must stay an ordinary member.
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
      skipWhitespace();
      const next = text.charAt(pos);
      if (next === '}') {
        pos++;
        return object;
      }
      if (next !== ',') {
        if (next === '"') throw new JsonSyntaxError('expected "," between members', pos, 'is a comma missing at the end of the previous line?');
        fail('expected "," or "}" after a member', pos);
      }
      const comma = pos;
      pos++;
      skipWhitespace();
      if (text.charAt(pos) === '}') throw new JsonSyntaxError('trailing comma before "}"', comma, 'JSON does not allow a comma after the last member');
    }
  };

  const parseArray = (pointer: string, depth: number): unknown[] => {
    const array: unknown[] = [];
    pos++;
    skipWhitespace();
    if (text.charAt(pos) === ']') {
      pos++;
      return array;
    }
    for (;;) {
      array.push(parseValue(`${pointer}/${array.length}`, undefined, depth + 1));
      skipWhitespace();
      const next = text.charAt(pos);
      if (next === ']') {
        pos++;
        return array;
      }
      if (next !== ',') fail('expected "," or "]" after an array item', pos);
      const comma = pos;
      pos++;
      skipWhitespace();
      if (text.charAt(pos) === ']') throw new JsonSyntaxError('trailing comma before "]"', comma, 'JSON does not allow a comma after the last item');
    }
  };

  skipWhitespace();
  if (pos >= text.length) throw new JsonSyntaxError('the file is empty; expected a JSON object', pos);
  const value = parseValue('', undefined, 0);
  skipWhitespace();
  if (pos < text.length) fail('expected the end of the file after the JSON value', pos);
  return { value, locations, duplicateKeys };
}
