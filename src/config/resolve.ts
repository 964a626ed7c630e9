/**
 * From a validated campaign file to the engine's model (src/engine/model.ts).
 */
import type { CampaignSpec, CategorySpec } from '../engine/model';
import { parseDuration } from './iso';
import { planCategory } from './plan';
import type { CampaignFile } from './schema';

/**
 * The engine-facing campaign: every category with its effective rules (a category's own
 * `proposals`, `shortlist`, `vote` or `reveal` replaces the campaign's) and its phase
 * windows in UTC epoch milliseconds. Takes a file that `validateCampaign` accepted; throws
 * on any other (that is a bug in the caller, not a problem of the file).
 */
export function resolveCampaign(file: CampaignFile): CampaignSpec {
  const categories = file.categories.map((category, index): CategorySpec => {
    const { spec, issues } = planCategory(file.id, file, category, index);
    if (spec === undefined) {
      throw new Error(`resolveCampaign: category ${category.id} is not valid (${issues.map((i) => i.message).join('; ')}); validate the file first`);
    }
    return spec;
  });
  const reminders = file.reminders.map((r) => {
    const before = parseDuration(r.before);
    if (!before.ok) throw new Error(`resolveCampaign: reminder ${r.phase} ${r.before} is not valid; validate the file first`);
    return { phase: r.phase, beforeMs: before.value.toMillis() };
  });
  return {
    id: file.id, title: file.title, locale: file.locale, channels: file.channels, roles: file.roles, categories,
    colors: file.colors, reminders,
  };
}
