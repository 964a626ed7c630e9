/**
 * `npm run bench -- --only simulate`: the time of `cocreate simulate` on campaigns of 1×, 2×
 * and 4× a number of categories, the largest being the documented limit (MAX_CATEGORIES), to
 * show that the cost per category stays flat (it grew with the square of the categories
 * before the engine looked categories up by id). Half the categories take proposals (propose,
 * shortlist by curators, vote), half vote among fixed options; the crowd is small so that the
 * categories, not the fans, make the work.
 */
import { performance } from 'node:perf_hooks';
import { parseCampaignText } from '../src/config/loader';
import { MAX_CATEGORIES } from '../src/config/schema';
import { simulate } from '../src/cli/simulate';

export interface SimulateFigures {
  readonly categories: number;
  readonly fans: number;
  readonly actions: number;
  readonly validateMs: number;
  readonly simulateMs: number;
  readonly winners: number;
}

/** A campaign file with `n` categories, alternately open to proposals and among fixed options. */
export function campaignText(n: number): string {
  const lines = [
    'id: bench-simulate', 'title: Bench simulate', 'locale: en', 'schedule:',
    '  propose: { start: "2030-03-02T09:00:00+01:00", duration: P1W }', '  shortlist: { duration: P2D }', '  vote: { duration: P3D }',
    'shortlist: { by: curators, size: 3 }', 'categories:',
  ];
  for (let i = 0; i < n; i++) {
    lines.push(i % 2 === 0 ? `  - { id: c${i}, title: "Category ${i}", prompt: "What for ${i}?" }` : `  - { id: c${i}, title: "Category ${i}", options: [red, green, blue] }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Validates and simulates a campaign of `categories` categories; the times of both. */
export async function benchSimulateOnce(categories: number, fans: number): Promise<SimulateFigures> {
  let t = performance.now();
  const loaded = parseCampaignText(campaignText(categories), 'bench.yaml');
  const validateMs = performance.now() - t;
  if (!loaded.ok) throw new Error(`bench campaign refused: ${loaded.problems[0]?.message}`);
  t = performance.now();
  const sim = await simulate(loaded.spec, { fans, seed: 'bench' });
  const simulateMs = performance.now() - t;
  await sim.runtime.close();
  const winners = sim.document.categories.filter((c) => c.winners.length > 0).length;
  return { categories, fans, actions: sim.stats.actions, validateMs, simulateMs, winners };
}

/** 1×, 2× and 4× categories, 4× being `limit` (MAX_CATEGORIES by default). */
export async function benchSimulate(options: { readonly fans: number; readonly limit?: number }): Promise<SimulateFigures[]> {
  const limit = options.limit ?? MAX_CATEGORIES;
  const runs: SimulateFigures[] = [];
  await benchSimulateOnce(Math.round(limit / 4), options.fans); // warm-up: the first run pays the JIT
  for (const n of [limit / 4, limit / 2, limit].map(Math.round)) runs.push(await benchSimulateOnce(n, options.fans));
  return runs;
}

export function simulateSection(runs: readonly SimulateFigures[], context: { machine: string; command: string; date: string }): string {
  const base = runs[0];
  const perCategory = (r: SimulateFigures) => (r.validateMs + r.simulateMs) / r.categories;
  return [
    '<!-- bench:simulate -->',
    '## `simulate` against the number of categories',
    '',
    `- machine: ${context.machine}`,
    `- command: \`${context.command}\``,
    `- date: ${context.date}`,
    '',
    '| categories | fans | actions | validate | simulate | per category | per category vs 1× | categories with a winner |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...runs.map((r) => `| ${r.categories} | ${r.fans} | ${r.actions.toLocaleString('en')} | ${Math.round(r.validateMs)} ms | ${Math.round(r.simulateMs)} ms | ${perCategory(r).toFixed(1)} ms | ${base ? (perCategory(r) / perCategory(base)).toFixed(2) : '–'}× | ${r.winners} / ${r.categories} |`),
    '',
    `The largest file has ${runs.at(-1)?.categories ?? 0} categories (the documented limit is ${MAX_CATEGORIES}). Linear means the`,
    'time per category stays about the same from 1× to 4× (it is the ratio in the last column but one).',
    '<!-- /bench:simulate -->',
  ].join('\n');
}
