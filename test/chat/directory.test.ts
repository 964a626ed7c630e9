/** Finding the campaign of an incoming event, where its announcements go, and the language of an answer. */
import { CampaignDirectory } from '../../src/chat/directory';
import type { CampaignSpec } from '../../src/model/campaign';
import { campaign, otherCampaign } from '../render/campaign.fixture';

const a: CampaignSpec = { ...campaign, channels: { discord: [{ guild: 'g1', channel: 'c1' }, { guild: 'g2', channel: 'c2' }], telegram: [{ chat: '-1' }] } };
const b: CampaignSpec = { ...otherCampaign, channels: { discord: [{ guild: 'g1', channel: 'c9' }], telegram: [{ chat: '-2' }] } };
const directory = new CampaignDirectory([a, b]);

describe('the campaign directory', () => {
  it('finds a Discord event’s campaign by name, then channel, then server', () => {
    expect(directory.find({ platform: 'discord', guild: 'g1', channel: 'c9', private: false })).toBe(1);
    expect(directory.find({ platform: 'discord', guild: 'g1', channel: 'elsewhere', private: false })).toBe(0);
    expect(directory.find({ platform: 'discord', guild: 'g3', channel: 'c1', private: false })).toBeNull();
    expect(directory.find({ platform: 'discord', guild: 'g3', channel: 'c1', private: false }, b.id)).toBe(1);
    expect(directory.find({ platform: 'discord', guild: 'g1', channel: 'c1', private: false }, 'nope')).toBeNull();
    expect(new CampaignDirectory([a]).find({ platform: 'discord', channel: 'dm', private: true })).toBe(0);
  });

  it('finds a Telegram chat’s campaign, and the first one in a private chat', () => {
    expect(directory.find({ platform: 'telegram', channel: '-2', private: false })).toBe(1);
    expect(directory.find({ platform: 'telegram', channel: '77', private: true })).toBe(0);
    expect(directory.find({ platform: 'telegram', channel: '-3', private: false })).toBeNull();
  });

  it('says where each platform posts a campaign’s announcements', () => {
    expect(directory.targets('discord', a.id)).toEqual([{ platform: 'discord', channel: 'g1/c1' }, { platform: 'discord', channel: 'g2/c2' }]);
    expect(directory.targets('telegram', b.id)).toEqual([{ platform: 'telegram', channel: '-2' }]);
    expect(directory.targets('local', a.id)).toEqual([{ platform: 'local', channel: 'terminal' }]);
    expect(directory.targets('telegram', 'unknown')).toEqual([]);
  });

  it('answers a person in their language, else the campaign’s, and an override above all', () => {
    expect(directory.personLocale('en-GB', a, 'fr')).toBe('en');
    expect(directory.personLocale(undefined, { ...a, locale: 'fr' })).toBe('fr');
    expect(directory.personLocale('de', undefined, 'fr')).toBe('fr');
    expect(directory.personLocale('de', undefined, null)).toBe('en');
    expect(new CampaignDirectory([a], 'en').personLocale('fr', { ...a, locale: 'fr' })).toBe('en');
    expect(new CampaignDirectory([{ ...a, locale: 'fr' }]).campaignLocale({ ...a, locale: 'fr' })).toBe('fr');
  });
});
