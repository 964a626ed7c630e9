/**
 * Reads a campaign file (YAML, or JSON through the same YAML parser) and answers either the
 * engine's campaign or every problem found, each with its line and column. Bad input never
 * throws: it is a problem like any other.
 */
import { openSync, closeSync, fstatSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import type { CampaignSpec } from '../model/campaign';
import type { Issue } from './issues';
import { resolveCampaign } from './resolve';
import { MAX_CATEGORIES, type CampaignFile } from './schema';
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

/**
 * Largest campaign file read, in bytes (2 MiB). Checked before the file is read or parsed, so
 * a huge file costs nothing; a real campaign is a few kilobytes, 500 categories with titles,
 * prompts and options well under a megabyte.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

function sizeProblem(bytes: number): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `the file is ${bytes > 10 * 1024 ? mib(bytes) : `${bytes} bytes`}, more than the ${mib(MAX_FILE_BYTES)} a campaign file may take (the limit keeps a mistaken or hostile file from tying up the bot); split it into several campaigns`;
}

/** The list of categories, when the file holds one longer than the limit: refused before any other check. */
function tooManyCategories(raw: unknown): number | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const categories = (raw as Record<string, unknown>)['categories'];
  return Array.isArray(categories) && categories.length > MAX_CATEGORIES ? categories.length : undefined;
}

function failure(file: string, message: string, line = 1, col = 1): LoadResult {
  return { ok: false, problems: [{ file, line, col, path: '', message }] };
}

/** The parser's message without its position suffix and code excerpt. */
function syntaxMessage(error: YAMLError, fileName: string): string {
  const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const format = extname(fileName).toLowerCase() === '.json' ? 'JSON' : 'YAML';
  if (/call stack/i.test(first)) return `cannot read the ${format} document: it is nested too deeply (lists or mappings inside each other thousands of times)`;
  return `invalid ${format} syntax: ${first.charAt(0).toLowerCase()}${first.slice(1)}`;
}

/** A key written twice in one mapping, where it is written the second time (each one reported). */
function duplicateKey(error: YAMLError, file: string): Problem {
  const at = error.linePos?.[0] ?? { line: 1, col: 1 };
  return { file, line: at.line, col: at.col, path: '', message: syntaxMessage(error, file) };
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
  if (text.length > MAX_FILE_BYTES || Buffer.byteLength(text, 'utf8') > MAX_FILE_BYTES) return failure(fileName, sizeProblem(Buffer.byteLength(text, 'utf8')));
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  let raw: unknown;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
    const syntax = doc.errors.find((error) => error.code !== 'DUPLICATE_KEY');
    if (syntax !== undefined) {
      const at = syntax.linePos?.[0] ?? { line: 1, col: 1 };
      return failure(fileName, syntaxMessage(syntax, fileName), at.line, at.col);
    }
    // A repeated key is no echo of another error: every one of them is reported.
    if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((error) => duplicateKey(error, fileName)) };
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The parser's own limits (alias expansion) and the engine's (a nesting deep enough to
    // exhaust the stack) end here, as a problem of the file.
    const message = error instanceof Error ? error.message : String(error);
    const why = error instanceof RangeError ? 'it is nested too deeply (lists or mappings inside each other thousands of times)'
      : /alias count/i.test(message) ? `its aliases (*name) expand too much: more than ${MAX_ALIAS_COUNT} uses of anchors, as in a "billion laughs" file; write the values out instead`
        : message;
    return failure(fileName, `cannot read the document: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
  }
  const count = tooManyCategories(raw);
  if (count !== undefined) {
    const problem: Issue = { path: ['categories'], message: `expected at most ${MAX_CATEGORIES} categories, found ${count}; split the campaign into several files` };
    return { ok: false, problems: [toProblem(fileName, doc, lineCounter, problem)] };
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
    // The size is read from the open file, then at most that much is read: a huge file, or a
    // device that never ends, is refused before it costs anything.
    const fd = openSync(path, 'r');
    try {
      const stat = fstatSync(fd);
      if (stat.isDirectory()) return failure(path, 'cannot read the file: it is a directory');
      if (!stat.isFile()) return failure(path, 'cannot read the file: it is not a regular file');
      if (stat.size > MAX_FILE_BYTES) return failure(path, sizeProblem(stat.size));
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
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
