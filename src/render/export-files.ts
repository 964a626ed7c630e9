/**
 * A manager's export as files: a spreadsheet-ready CSV and a JSON document. Fan text is
 * hostile here too: a cell that a spreadsheet would read as a formula is neutralised.
 */
import { stringify } from 'csv-stringify/sync';
import type { ExportDocument } from '../engine/commands';
import { isoInstant } from '../model/time-bounds';

/** The columns of the CSV, in order (one line per idea or fixed option). */
export const EXPORT_COLUMNS = [
  'campaign', 'category', 'category_title', 'phase', 'id', 'text', 'author', 'platform', 'status',
  'likes', 'created_at', 'shortlisted', 'votes', 'winner_rank', 'ballots',
] as const;

/**
 * A cell a spreadsheet would evaluate (`=`, `+`, `-`, `@`, or a tab or carriage return that
 * some programs skip before one) is prefixed with `'`, which makes it plain text (OWASP "CSV
 * injection"). Only text cells are touched: numbers are written as numbers.
 */
export function neutralizeFormula(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/**
 * The export as CSV: RFC 4180 quoting, CRLF line ends, UTF-8 with a byte order mark so that
 * spreadsheet programs keep the accents. Votes and ballots are empty until a category is revealed.
 */
export function exportCsv(doc: ExportDocument): string {
  const rows: (string | number)[][] = [];
  for (const c of doc.categories) {
    for (const e of c.entries) {
      rows.push([
        doc.campaign, c.id, neutralizeFormula(c.title), c.phase, e.id, neutralizeFormula(e.text),
        neutralizeFormula(e.author ?? ''), e.platform ?? '', e.status, e.likes,
        e.createdAt === undefined ? '' : isoInstant(e.createdAt),
        e.shortlisted ? 'yes' : 'no', e.votes ?? '', e.winnerRank ?? '', c.ballots ?? '',
      ]);
    }
  }
  return stringify(rows, { bom: true, header: true, columns: [...EXPORT_COLUMNS], record_delimiter: 'windows' });
}

/** The export as indented JSON (instants as ISO 8601 UTC). */
export function exportJson(doc: ExportDocument): string {
  return `${JSON.stringify({
    ...doc,
    exportedAt: isoInstant(doc.exportedAt),
    categories: doc.categories.map((c) => ({
      ...c,
      entries: c.entries.map((e) => ({ ...e, ...(e.createdAt === undefined ? {} : { createdAt: isoInstant(e.createdAt) }) })),
    })),
  }, null, 2)}\n`;
}

/** A file name for the export: the campaign id and the date, e.g. `crunch-2013-04-15.csv`. */
export function exportFileName(doc: ExportDocument, extension: 'csv' | 'json'): string {
  return `${doc.campaign}-${isoInstant(doc.exportedAt).slice(0, 10)}.${extension}`;
}
