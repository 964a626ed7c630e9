import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { LocalChat } from '../../adapters/local/chat';
import { EXPORT_COLUMNS, exportCsv, neutralizeFormula } from '../../src/render/export-files';
import { campaign, category, code, DAY, fan, harness, HOUR, ok, T0 } from '../helpers/harness';

const PROPOSE_END = T0 + HOUR + 7 * DAY;
const SHORTLIST_END = PROPOSE_END + DAY;
const VOTE_END = SHORTLIST_END + 2 * DAY;
const manager = fan('lea', ['manager']);
const curator = fan('norman', ['curator']);

async function votedCampaign() {
  const h = await harness(campaign([category('villain', { proposals: { minLength: 3, maxLength: 80, perFan: 2 } })]));
  await h.until(T0 + 2 * HOUR);
  const a = ok(await h.run(fan('Zoé Müller'), { type: 'propose', categoryId: 'villain', text: 'Le percepteur 🎩 des impôts' }));
  const b = ok(await h.run(fan('mallory'), { type: 'propose', categoryId: 'villain', text: '=HYPERLINK("http://evil.example","clic")' }));
  ok(await h.run(fan('carol'), { type: 'propose', categoryId: 'villain', text: '@everyone +33 -1' }));
  ok(await h.run(fan('dave'), { type: 'like', proposalId: a.proposal.id }));
  await h.until(PROPOSE_END + HOUR);
  ok(await h.run(curator, { type: 'shortlist.add', proposalId: a.proposal.id }));
  ok(await h.run(curator, { type: 'shortlist.add', proposalId: b.proposal.id }));
  await h.until(SHORTLIST_END + HOUR);
  for (const voter of ['v1', 'v2', 'v3']) ok(await h.run(fan(voter), { type: 'vote', categoryId: 'villain', choice: [a.proposal.id] }));
  ok(await h.run(fan('v4'), { type: 'vote', categoryId: 'villain', choice: [b.proposal.id] }));
  return { h, a, b };
}

describe('the manager’s export', () => {
  it('is for managers only', async () => {
    const { h } = await votedCampaign();
    expect(code(await h.run(fan('v1'), { type: 'export' }))).toBe('actor.not-allowed');
    expect(code(await h.run(curator, { type: 'export' }))).toBe('actor.not-allowed');
  });

  it('never shows the counts of a vote still open, then shows votes and winners once revealed', async () => {
    const { h, a, b } = await votedCampaign();
    const open = ok(await h.run(manager, { type: 'export' })).export.categories[0]!;
    expect(open.phase).toBe('vote');
    expect(open.ballots).toBeNull();
    expect(open.entries.map((e) => e.votes)).toEqual([null, null, null]);
    expect(open.entries.map((e) => [e.author, e.likes, e.shortlisted])).toEqual([['Zoé Müller', 1, true], ['mallory', 0, true], ['carol', 0, false]]);
    await h.until(VOTE_END + HOUR);
    const revealed = ok(await h.run(manager, { type: 'export' })).export.categories[0]!;
    expect(revealed.ballots).toBe(4);
    const byId = new Map(revealed.entries.map((e) => [e.id, e]));
    expect(byId.get(a.proposal.id)).toMatchObject({ votes: 3, winnerRank: 1 });
    expect(byId.get(b.proposal.id)).toMatchObject({ votes: 1, winnerRank: null });
  });

  it('writes a CSV that parses back with its accents and emoji, with formulas neutralised', async () => {
    const { h } = await votedCampaign();
    await h.until(VOTE_END + HOUR);
    const csv = exportCsv(ok(await h.run(manager, { type: 'export' })).export);
    expect(csv.startsWith('\ufeff')).toBe(true);
    expect(csv).toContain('\r\n');
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(rows.map((r) => r['text'])).toEqual(['Le percepteur 🎩 des impôts', '\'=HYPERLINK("http://evil.example","clic")', '\'@everyone +33 -1']);
    expect(rows[0]).toMatchObject({ author: 'Zoé Müller', votes: '3', winner_rank: '1', shortlisted: 'yes', ballots: '4', likes: '1' });
    expect(rows[2]).toMatchObject({ shortlisted: 'no', votes: '0', winner_rank: '' });
  });

  it('neutralises every formula lead-in a spreadsheet honours, and nothing else', () => {
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'].map(neutralizeFormula)).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1"]);
    expect(['Zoé', '1=1', ' =1', ''].map(neutralizeFormula)).toEqual(['Zoé', '1=1', ' =1', '']);
  });

  it('is written as CSV and JSON files by /export in the local chat', async () => {
    const { h } = await votedCampaign();
    const dir = mkdtempSync(join(tmpdir(), 'cocreate-local-export-'));
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => { text += chunk.toString('utf8'); });
    const chat = new LocalChat({ engine: h.engine, campaigns: [h.spec], input, output, exportDir: dir, log: () => {} });
    const done = chat.start();
    input.end('/as lea manager\n/export\n');
    await done;
    const files = readdirSync(dir).sort();
    expect(files.map((f) => f.replace(/\d{4}-\d\d-\d\d/, 'DATE'))).toEqual(['test-campaign-DATE.csv', 'test-campaign-DATE.json']);
    expect(text).toContain(`Export written: ${join(dir, files[0]!)}`);
    const rows = parse(readFileSync(join(dir, files[0]!), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);
  });
});
