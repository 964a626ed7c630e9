/** `cocreate results ID [--format json|csv|manifest] [--no-ballots] [--chart DIR] [--file FILE]`. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Engine, ResultsDocument } from '../../engine/engine';
import type { CampaignSpec } from '../../model/campaign';
import { exportCsv } from '../../render/export-files';
import { parseCommandArgs } from '../args';
import { CliError } from '../cli-error';
import { manifestJson } from '../manifest-io';
import { resultsJson } from '../results-format';
import { openSaved } from '../stored-campaign';
import { USAGES } from '../usage';

/** Prints the results of a stored campaign (and writes its charts); the exit code. */
export async function resultsCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { format: { type: 'string' }, chart: { type: 'string' }, 'no-ballots': { type: 'boolean' }, file: { type: 'string' } }, USAGES.results);
  const [id] = positionals;
  if (!id) throw new CliError(`results needs a campaign ID\n\n${USAGES.results}`, 2);
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv' && format !== 'manifest') throw new CliError('--format takes json, csv or manifest', 2);
  const { runtime, spec } = await openSaved(id, values.file);
  if (format === 'manifest') {
    const manifest = await runtime.engine.manifest(spec.id, { ballots: !values['no-ballots'] });
    await runtime.close();
    process.stdout.write(manifestJson(manifest));
    return 0;
  }
  try {
    const doc: ResultsDocument = await runtime.engine.report(spec.id);
    const exported = await runtime.engine.exportDocument(spec.id);
    if (values.chart !== undefined) {
      for (const path of await writeCharts(runtime.engine, spec, values.chart)) process.stderr.write(`chart written: ${path}\n`);
    }
    process.stdout.write(format === 'json' ? resultsJson(doc, exported) : exportCsv(exported));
  } finally {
    await runtime.close();
  }
  return 0;
}

/** One PNG per revealed category, `DIR/<campaign>-<category>.png`; the paths written. */
async function writeCharts(engine: Engine, spec: CampaignSpec, dir: string): Promise<string[]> {
  // The canvas (a native library) loads only when a chart is asked for.
  const { renderResultsChart } = require('../../render/chart') as typeof import('../../render/chart');
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const category of spec.categories) {
    const standings = await engine.standings(spec.id, category.id);
    if (!standings) continue;
    const chart = renderResultsChart({
      campaignTitle: spec.title, categoryTitle: category.title, locale: spec.locale, ...standings, ...(spec.colors ? { colors: spec.colors } : {}),
    });
    const path = join(dir, `${spec.id}-${category.id}.png`);
    await writeFile(path, chart.png);
    written.push(path);
  }
  return written;
}
