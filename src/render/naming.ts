/** Words of a name: `display_name`, `displayName`, `"zip code"` -> `['display', 'name']` etc. */
function words(name: string): string[] {
  return name
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** `display_name` -> `displayName`; `GetUser` -> `getUser`; `zip code` -> `zipCode`. */
export function camelCase(name: string): string {
  return memo(camelNames, name, () => safeStart(words(name).map((w, i) => (i === 0 ? lowerFirst(w) : upperFirst(w))).join('')));
}

/** `mpaa_rating` -> `MpaaRating`; `getUser` -> `GetUser`. */
export function pascalCase(name: string): string {
  return memo(pascalNames, name, () => safeStart(words(name).map(upperFirst).join('')));
}

// The same column names come back in query after query; Unicode-aware splitting is not free.
const camelNames = new Map<string, string>();
const pascalNames = new Map<string, string>();

function memo(cache: Map<string, string>, name: string, compute: () => string): string {
  let result = cache.get(name);
  if (result === undefined) {
    result = compute();
    cache.set(name, result);
  }
  return result;
}

function upperFirst(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Lowercases a leading word unless it is an acronym followed by more (`ID` stays `id`, `URLs` -> `urls`). */
function lowerFirst(word: string): string {
  return /^[\p{Lu}\p{N}]+s?$/u.test(word) ? word.toLowerCase() : word.charAt(0).toLowerCase() + word.slice(1);
}

function safeStart(name: string): string {
  if (!name) return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const reserved = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'yield let static implements interface package private protected public await arguments eval').split(' '),
);

/** Words that cannot name a function or variable. */
export function isReservedWord(name: string): boolean {
  return reserved.has(name);
}

/** A property name as it may stand in an object type: quoted when it is not an identifier. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

/** `users` -> `user`, `categories` -> `category`, `post_tags` -> `post_tag`; words that are not plurals stay. */
export function singular(name: string): string {
  const match = /^(.*?)([A-Za-z]+)$/.exec(name);
  if (!match) return name;
  const [, head = '', word = ''] = match;
  const lower = word.toLowerCase();
  let stem = word;
  if (/[^aeiou]ies$/.test(lower)) stem = `${word.slice(0, -3)}${word.endsWith('IES') ? 'Y' : 'y'}`;
  else if (/(ss|x|ch|sh|zz)es$/.test(lower)) stem = word.slice(0, -2);
  else if (/[^su]s$/.test(lower) && !/(is|us|ss)$/.test(lower)) stem = word.slice(0, -1);
  return head + stem;
}
