/**
 * Reads a campaign file (YAML, or JSON through the same YAML parser) and answers either the
 * engine's campaign or every problem found, each with its line and column. Bad input never
 * throws: it is a problem like any other.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { CampaignSpec } from '../model/campaign';
import type { Issue } from './issues';
import { resolveCampaign } from './resolve';
import type { CampaignFile } from './schema';
import { locate } from './source';
import { validateCampaign } from './validate';

/** One problem of a campaign file, ready to print as `FILE:LINE:COL path: message`. */
export interface Problem {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  /** Dotted path of the key, such as `categories.2.schedule.vote.duration`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

export type LoadResult =
  | { readonly ok: true; readonly spec: CampaignSpec; readonly file: CampaignFile }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** Extensions `loadCampaignFile` reads. */
export const CAMPAIGN_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

// Anchors and aliases are allowed, but not to the point of a "billion laughs" expansion.
const MAX_ALIAS_COUNT = 100;

function failure(file: string, message: string, line = 1, col = 1): LoadResult {
  return { ok: false, problems: [{ file, line, col, path: '', message }] };
}

/** The parser's message without its position suffix and code excerpt. */
function syntaxMessage(error: YAMLError, fileName: string): string {
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const format = extname(fileName).toLowerCase() === '.json' ? 'JSON' : 'YAML';
  return `invalid ${format} syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

function toProblem(file: string, doc: Document, lineCounter: LineCounter, issue: Issue): Problem {
  const { line, col } = locate(doc, lineCounter, issue);
  return { file, line, col, path: issue.path.join('.'), message: issue.message };
}

function byPosition(a: Problem, b: Problem): number {
  return a.line - b.line || a.col - b.col;
}

/**
 * Parses and validates the text of a campaign file. `fileName` only labels the problems.
 * Answers the resolved campaign, or every problem (only the first one for a syntax error,
 * whose followers are usually its echoes).
 */
export function parseCampaignText(text: string, fileName: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const at = syntax.linePos?.[0] ?? { line: 1, col: 1 };
    return failure(fileName, syntaxMessage(syntax, fileName), at.line, at.col);
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return failure(fileName, `cannot read the document: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
  }
  const validation = validateCampaign(raw);
  if (!validation.ok) {
    return { ok: false, problems: validation.issues.map((issue) => toProblem(fileName, doc, lineCounter, issue)).sort(byPosition) };
  }
  return { ok: true, spec: resolveCampaign(validation.file), file: validation.file };
}

/**
 * Reads, parses and validates a campaign file (.yaml, .yml or .json). An unreadable file or
 * an unknown extension is one problem at 1:1; nothing throws.
 */
export function loadCampaignFile(path: string): LoadResult {
  const extension = extname(path).toLowerCase();
  if (!(CAMPAIGN_EXTENSIONS as readonly string[]).includes(extension)) {
    return failure(path, `expected a campaign file ending in ${CAMPAIGN_EXTENSIONS.join(', ')}, found ${extension === '' ? 'no extension' : `"${extension}"`}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(error);
    return failure(path, `cannot read the file: ${why}`);
  }
  return parseCampaignText(text, path);
}

/** `FILE:LINE:COL path.to.key: message`, the path being `(root)` for the whole file. */
export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}:${problem.col} ${problem.path === '' ? '(root)' : problem.path}: ${problem.message}`;
}
