import fc from 'fast-check';
import type { CampaignSpec, Locale } from '../../src/model/campaign';
import type { CampaignEvent } from '../../src/model/events';
import type { CommandResult } from '../../src/engine/commands';
import { CATALOGS, messageTokens, nestQuotes, t, type MessageKey } from '../../src/i18n/messages';

const CATALOG_FR = CATALOGS.fr;
import { renderEvent, renderResult, toDiscordMarkdown, toPlainText, toTelegramHtml } from '../../src/render/message';
import { T0, campaign } from '../render/campaign.fixture';

// A brand may quote inside a title, and French fans write their ideas in guillemets.
const quoted: CampaignSpec = {
  ...campaign,
  categories: campaign.categories.map((c) => (c.id === 'cult-line' ? { ...c, title: 'La réplique « culte »' } : c)),
};
const base = { id: 'e1', campaignId: quoted.id, categoryId: 'cult-line', at: T0 };
const event = (e: CampaignEvent, locale: Locale): string => toPlainText(renderEvent(e, quoted, locale));

/** Whether `text` opens a French quotation inside another one: `« … « … » … »`. */
function nestsGuillemets(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '«' && ++depth > 1) return true;
    if (char === '»') depth = Math.max(0, depth - 1);
  }
  return false;
}

describe('a quoted title or idea that holds quotes of its own', () => {
  it('is written « La présélection de « … » » no more: the inner guillemets become “…”', () => {
    const shortlist = event({ ...base, kind: 'shortlist.published', endsAt: T0, items: [{ id: '3', text: 'Je suis ton père' }] }, 'fr');
    expect(shortlist).toMatch(/^La présélection de « La réplique “culte” » est là !/);
    expect(nestsGuillemets(shortlist)).toBe(false);
  });

  it('steps English double quotes down to single ones inside “…”', () => {
    const english: CampaignSpec = { ...quoted, categories: [{ ...quoted.categories[0]!, title: 'The “cult” line' }, ...quoted.categories.slice(1)] };
    const text = toPlainText(renderEvent({ ...base, kind: 'phase.opened', phase: 'vote', endsAt: T0 }, english, 'en'));
    expect(text).toContain('“The ‘cult’ line”');
  });

  it('quotes a fan’s idea written in guillemets once, in a vote’s answer, on every platform', () => {
    const result: CommandResult = { ok: true, type: 'vote', categoryId: 'villain', choice: ['3'], changed: false, labels: ['« Ça croque ou ça craque ? »'] };
    const rendered = renderResult(result, { type: 'vote', campaignId: quoted.id, categoryId: 'villain', choice: ['3'] }, quoted, 'fr');
    expect(toPlainText(rendered)).toContain('1. « “Ça croque ou ça craque ?” »');
    expect(toDiscordMarkdown(rendered).join('\n')).toContain('« “Ça croque ou ça craque ?” »');
    expect(toTelegramHtml(rendered)).toContain('« “Ça croque ou ça craque ?” »');
  });

  it('also in messages filled with trusted text (t), such as Telegram’s prompts', () => {
    expect(t('fr', 'telegram.propose.chosen', { category: 'La réplique « culte »' })).toBe('Envoie maintenant ton idée pour « La réplique “culte” ».');
  });

  it('leaves a value outside quotes, and a value without quotes, as it is', () => {
    expect(nestQuotes('Le super méchant', '«')).toBe('Le super méchant');
    expect(t('fr', 'local.as', { name: '« Zoé »', roles: 'fan' })).toBe('Tu es maintenant « Zoé » (fan).');
  });

  it('never nests guillemets in a French message, whatever text fills its quoted placeholders', () => {
    const keys = (Object.keys(CATALOG_FR) as MessageKey[]).filter((key) =>
      messageTokens('fr', key).some((tok) => typeof tok !== 'string' && tok.within === '«'),
    );
    expect(keys.length).toBeGreaterThan(30);
    const text = fc.string({ unit: fc.constantFrom('«', '»', ' ', 'a', '\u00a0', '“', '”'), maxLength: 12 });
    fc.assert(
      fc.property(fc.constantFrom(...keys), text, (key, value) => {
        const params: Record<string, string> = {};
        for (const tok of messageTokens('fr', key)) if (typeof tok !== 'string') params[tok.placeholder] = tok.within ? value : 'x';
        expect(nestsGuillemets(t('fr', key as 'local.as', params as { name: string; roles: string }))).toBe(false);
      }),
    );
  });
});
