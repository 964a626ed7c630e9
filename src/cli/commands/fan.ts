/** `cocreate fan export|erase PLATFORM:ID [--campaign ID]`: fans' data rights, for managers, outside the chat. */
import { SYSTEM_ACTOR } from '../../model/campaign';
import { MemoryCampaignStore } from '../../stores/memory/memory-store';
import { parseCommandArgs } from '../args';
import { environment } from '../campaign-files';
import { CliError } from '../cli-error';
import { saveState, statePath } from '../runtime';
import { openSaved, storedCampaigns } from '../stored-campaign';
import { USAGES } from '../usage';

/**
 * Export prints one JSON document per campaign; erase erases the fan (see
 * CampaignStore.eraseFan) and prints what it did, one line per campaign.
 */
export async function fanCommand(rest: readonly string[]): Promise<number> {
  const { positionals, values } = parseCommandArgs(rest, { campaign: { type: 'string' } }, USAGES.fan);
  const [action, fan] = positionals;
  if ((action !== 'export' && action !== 'erase') || !fan) throw new CliError(`fan takes export or erase, then PLATFORM:ID (such as discord:123456789012345678)\n\n${USAGES.fan}`, 2);
  const ids = values.campaign ? [values.campaign] : await storedCampaigns();
  if (ids.length === 0) throw new CliError('no stored campaign: run or simulate one first, or name it with --campaign');
  const documents: unknown[] = [];
  for (const id of ids) {
    const { runtime, spec } = await openSaved(id);
    try {
      const result = await runtime.engine.execute({ type: action === 'export' ? 'fan.export' : 'fan.erase', campaignId: spec.id, fan }, SYSTEM_ACTOR);
      if (!result.ok) throw new CliError(`${spec.id}: ${result.code === 'fan.invalid' ? `"${fan}" is not PLATFORM:ID (discord:…, telegram:… or local:…)` : result.code}`, 2);
      if (result.type === 'fan.export') documents.push(result.data);
      if (result.type === 'fan.erase') {
        if (runtime.store instanceof MemoryCampaignStore) await saveState(runtime.store, spec, statePath(spec.id, environment().config.dataDir));
        const r = result.report;
        process.stdout.write(`${spec.id}: erased ${fan}: ballots withdrawn ${r.ballotsWithdrawn}, anonymized ${r.ballotsAnonymized}; likes withdrawn ${r.likesWithdrawn}, anonymized ${r.likesAnonymized}; proposals anonymized ${r.proposalsAnonymized.length}\n`);
      }
    } finally {
      await runtime.close();
    }
  }
  if (action === 'export') process.stdout.write(`${JSON.stringify(documents, null, 2)}\n`);
  return 0;
}
