/**
 * Text renderings of the results document for the terminal and for spreadsheets.
 */
import type { CampaignSpec } from '../engine/model';
import type { ResultsDocument } from '../engine/engine';

/** A plain table: one line per winner, per category, with the author credited. */
export function winnersTable(spec: CampaignSpec, doc: ResultsDocument): string {
  const rows: string[][] = [['category', 'rank', 'winner', 'author', 'votes', 'ballots', 'proposals']];
  for (const c of doc.categories) {
    const title = spec.categories.find((s) => s.id === c.id)?.title ?? c.id;
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

/** CSV of the winners (RFC 4180 quoting, UTF-8 with a BOM so spreadsheets keep the accents). */
export function resultsCsv(spec: CampaignSpec, doc: ResultsDocument): string {
  const quote = (v: string | number) => {
    const s = String(v);
    // A leading = + - @ would be read as a formula by spreadsheets: fan text must stay text.
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
    return /[",\n\r']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [['campaign', 'category', 'category_title', 'rank', 'id', 'text', 'author', 'votes', 'ballots', 'proposals'].join(',')];
  for (const c of doc.categories) {
    const title = spec.categories.find((s) => s.id === c.id)?.title ?? c.id;
    c.winners.forEach((w, i) => lines.push([doc.campaign, c.id, title, i + 1, w.id, w.text, w.author ?? '', w.votes, c.ballots ?? '', c.proposals].map(quote).join(',')));
  }
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
