export interface Interpolation {
  readonly text: string;
  /** `${...}` references that are not `${NAME}` or `${NAME:-default}`, left in `text` as written. */
  readonly invalid: readonly { readonly index: number; readonly reference: string }[];
}

const reference = /\$\{([^{}]*)\}?/g;
const valid = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

/**
 * Replaces `${NAME}` with the environment variable, as a shell would: an unset variable
 * becomes the empty string, and `${NAME:-default}` gives `default` when it is unset or empty.
 * Only the braced form is recognised, so `$1` and `$$` (common in SQL and passwords) stay.
 *
 * @example
 * interpolateEnv('postgres://${PGHOST:-localhost}/app', {}).text // 'postgres://localhost/app'
 */
export function interpolateEnv(text: string, env: NodeJS.ProcessEnv): Interpolation {
  const invalid: { index: number; reference: string }[] = [];
  const replaced = text.replace(reference, (match: string, body: string, index: number) => {
    const parts = match.endsWith('}') ? valid.exec(body) : null;
    if (!parts) {
      invalid.push({ index, reference: match });
      return match;
    }
    const value = env[parts[1]!];
    const fallback = parts[2];
    if (fallback !== undefined && (value === undefined || value === '')) return fallback;
    return value ?? '';
  });
  return { text: replaced, invalid };
}
