import { formatCount, t } from '../../src/i18n/messages';
import { renderRefusal, renderResult, toPlainText } from '../../src/render/message';
import { campaign } from '../render/campaign.fixture';
import type { Command, CommandResult } from '../../src/engine/commands';

describe('counted nouns follow each locale’s plural rules', () => {
  it.each([
    ['en', 0, '0 votes'], ['en', 1, '1 vote'], ['en', 2, '2 votes'],
    ['fr', 0, '0 voix'], ['fr', 1, '1 voix'], ['fr', 2, '2 voix'],
  ] as const)('%s %d → %s', (locale, n, text) => {
    expect(formatCount(locale, 'vote', n)).toBe(text);
  });

  it('says 1 ballot, 0 bulletin and 1 234 bulletins', () => {
    expect(formatCount('en', 'ballot', 1)).toBe('1 ballot');
    expect(formatCount('fr', 'ballot', 0)).toBe('0 bulletin');
    expect(formatCount('fr', 'ballot', 1234)).toBe(`${(1234).toLocaleString('fr')} bulletins`);
    expect(formatCount('en', 'idea', 1)).toBe('1 idea');
  });

  it('tells a fan their data without “1 ballots” or “1 ideas”', () => {
    const command: Command = { type: 'mydata', campaignId: campaign.id };
    const result = { ok: true, type: 'mydata', data: { proposals: [{}], likes: [], ballots: [{}] } } as unknown as CommandResult;
    expect(toPlainText(renderResult(result, command, campaign, 'en'))).toContain('1 idea, 0 likes, 1 ballot.');
    expect(toPlainText(renderResult(result, command, campaign, 'fr'))).toContain('1 idée, 0 j’aime, 1 bulletin.');
  });

  it('says the limit of ideas in the singular when it is one', () => {
    const command: Command = { type: 'propose', campaignId: campaign.id, categoryId: 'cult-line', text: 'x' };
    expect(toPlainText(renderRefusal({ ok: false, code: 'proposal.limit', params: { max: 1 } }, command, campaign, 'en'))).toContain('the limit of 1 idea in');
    expect(toPlainText(renderRefusal({ ok: false, code: 'shortlist.full', params: { max: 5 } }, command, campaign, 'fr'))).toContain('(5 idées)');
  });

  it('calls managers “responsables” in the French help', () => {
    expect(t('fr', 'usage.export')).toContain('(responsables)');
  });
});
