/**
 * Text renderings of the results document for the terminal and for spreadsheets.
 */
import { categoryById, type CampaignSpec } from '../model/campaign';
import type { ResultsDocument } from '../engine/engine';
import type { ExportDocument } from '../engine/commands';

/** A plain table: one line per winner, per category, with the author credited. */
export function winnersTable(spec: CampaignSpec, doc: ResultsDocument): string {
  const rows: string[][] = [['category', 'rank', 'winner', 'author', 'votes', 'ballots', 'proposals']];
  for (const c of doc.categories) {
    const title = categoryById(spec, c.id)?.title ?? c.id;
    // null: hidden until the vote closes.
    const ballots = c.ballots === null ? 'hidden' : String(c.ballots);
    if (c.winners.length === 0) rows.push([title, '-', '(no winner)', '', '0', ballots, String(c.proposals)]);
    c.winners.forEach((w, i) => rows.push([title, String(i + 1), w.text, w.author ?? '', String(w.votes), ballots, String(c.proposals)]));
  }
  const widths = rows[0]!.map((_, col) => Math.min(48, Math.max(...rows.map((r) => [...(r[col] ?? '')].length))));
  const cell = (text: string, width: number) => {
    const chars = [...text];
    return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text + ' '.repeat(width - chars.length);
  };
  return rows.map((r) => r.map((v, i) => cell(v, widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/**
 * The results document (DESIGN.md) as JSON, each category completed with every idea or option
 * (`entries`: author, likes, shortlist, and votes once revealed) from the manager's export.
 */
export function resultsJson(doc: ResultsDocument, exported: ExportDocument): string {
  const entries = new Map(exported.categories.map((c) => [c.id, c.entries]));
  return `${JSON.stringify({
    ...doc,
    categories: doc.categories.map((c) => ({ ...c, entries: entries.get(c.id) ?? [] })),
  }, null, 2)}\n`;
}
