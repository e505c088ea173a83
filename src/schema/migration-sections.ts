import { interpolateEnv } from '../config/interpolate-env.js';

/** A problem at a 0-based line of a migration file. */
export interface SectionProblem {
  readonly line: number;
  readonly message: string;
}

export interface UpSection {
  /** Which tool's markers the file uses; `plain` when it has none (the whole file is "up"). */
  readonly layout: 'dbmate' | 'goose' | 'plain';
  /** The file with every line outside the up section blanked; line breaks are kept. */
  readonly sql: string;
  readonly problems: readonly SectionProblem[];
}

type Marker =
  | { readonly tool: 'dbmate' | 'goose'; readonly kind: 'up' | 'down'; readonly text: string }
  | { readonly tool: 'goose'; readonly kind: 'envsub'; readonly on: boolean; readonly text: string }
  | { readonly tool: 'goose'; readonly kind: 'other' | 'unknown'; readonly text: string };

// dbmate allows options after the marker: `-- migrate:up transaction:false`.
const dbmateMarker = /^[ \t]*--[ \t]*migrate:(up|down)(?=\s|$)/i;
const gooseMarker = /^[ \t]*--[ \t]*\+goose\b[ \t]*(.*?)\s*$/i;

function markerOf(line: string): Marker | undefined {
  const text = line.trim();
  const dbmate = dbmateMarker.exec(line);
  if (dbmate) return { tool: 'dbmate', kind: dbmate[1]!.toLowerCase() === 'up' ? 'up' : 'down', text };
  const goose = gooseMarker.exec(line);
  if (!goose) return undefined;
  const annotation = goose[1]!.toLowerCase().replace(/\s+/g, ' ');
  if (annotation === 'up' || annotation === 'down') return { tool: 'goose', kind: annotation, text };
  if (annotation === 'envsub on' || annotation === 'envsub off') return { tool: 'goose', kind: 'envsub', on: annotation === 'envsub on', text };
  if (['statementbegin', 'statementend', 'no transaction'].includes(annotation)) return { tool: 'goose', kind: 'other', text };
  return { tool: 'goose', kind: 'unknown', text };
}

/**
 * Keeps the up section of a dbmate or goose migration and blanks every other line (down
 * section, markers, goose's StatementBegin/End, NO TRANSACTION, ENVSUB), so an offset into
 * the result is at the same line and column of the file. Between goose's `ENVSUB ON` and
 * `ENVSUB OFF`, `${NAME}` and `${NAME:-default}` are replaced from `env`.
 *
 * @example
 * upSection('-- migrate:up\ncreate table t ();\n-- migrate:down\ndrop table t;\n', {}).sql
 * // '\ncreate table t ();\n\n\n'
 */
export function upSection(text: string, env: NodeJS.ProcessEnv): UpSection {
  const lines = text.split('\n');
  const markers = lines.map(markerOf);
  const firstDbmate = markers.findIndex((m) => m?.tool === 'dbmate');
  const firstGoose = markers.findIndex((m) => m?.tool === 'goose');
  if (firstDbmate < 0 && firstGoose < 0) return { layout: 'plain', sql: text, problems: [] };

  const problems: SectionProblem[] = [];
  const layout = firstGoose >= 0 ? 'goose' : 'dbmate';
  if (firstDbmate >= 0 && firstGoose >= 0) {
    problems.push({ line: Math.max(firstDbmate, firstGoose), message: 'the file mixes dbmate ("-- migrate:") and goose ("-- +goose") markers' });
  }
  const upMarker = layout === 'goose' ? '-- +goose Up' : '-- migrate:up';
  let section: 'before' | 'up' | 'down' = 'before';
  const seen = new Map<'up' | 'down', number>();
  let envsub = false;
  let inBlockComment = false;
  let reportedStray = false;

  const kept = lines.map((line, index) => {
    const marker = markers[index];
    const blank = line.endsWith('\r') ? '\r' : '';
    if (marker === undefined) {
      if (section === 'up') return envsub ? interpolateEnv(line, env).text : line;
      if (section === 'before' && !reportedStray) {
        const comment = isCommentOrBlank(line, inBlockComment);
        inBlockComment = comment.inBlockComment;
        if (!comment.only) {
          problems.push({ line: index, message: `SQL before the first "${upMarker}" marker belongs to no section` });
          reportedStray = true;
        }
      }
      return blank;
    }
    if (marker.kind === 'up' || marker.kind === 'down') {
      const previous = seen.get(marker.kind);
      if (previous !== undefined) {
        problems.push({ line: index, message: `a second "${marker.text}" marker (the first is on line ${previous + 1})` });
      }
      seen.set(marker.kind, index);
      section = marker.kind;
    } else if (marker.kind === 'envsub') {
      envsub = marker.on;
    } else if (marker.kind === 'unknown') {
      problems.push({ line: index, message: `unknown goose annotation "${marker.text}"` });
    }
    return blank;
  });

  if (!seen.has('up')) {
    problems.push({ line: seen.get('down') ?? Math.max(firstDbmate, firstGoose), message: `no "${upMarker}" marker, so the migration has nothing to apply` });
  }
  return { layout, sql: kept.join('\n'), problems };
}

/** Whether `line` holds only comments or white space, tracking `/* ... *\/` across lines. */
function isCommentOrBlank(line: string, inBlockComment: boolean): { only: boolean; inBlockComment: boolean } {
  let rest = line;
  let inBlock = inBlockComment;
  for (;;) {
    if (inBlock) {
      const end = rest.indexOf('*/');
      if (end < 0) return { only: true, inBlockComment: true };
      rest = rest.slice(end + 2);
      inBlock = false;
    }
    rest = rest.trimStart();
    if (rest === '' || rest.startsWith('--')) return { only: true, inBlockComment: false };
    if (!rest.startsWith('/*')) return { only: false, inBlockComment: false };
    rest = rest.slice(2);
    inBlock = true;
  }
}
