/**
 * The loaded campaigns as every platform looks them up: by id, by their index (what the
 * component ids carry), by the place an event comes from; where each one's announcements go;
 * and which language to answer in. Built once per adapter: no lookup scans the list.
 */
import type { Actor, CampaignSpec, Locale, Platform } from '../model/campaign';
import type { DeliveryTarget } from '../ports/outbox';
import type { ChatPlace } from './place';

/** Everything an answer to one incoming event needs to know about where it stands. */
export interface ChatScope {
  /** The campaign's index among the loaded ones (what component ids carry). */
  readonly index: number;
  readonly campaign: CampaignSpec;
  /** The language of the answer. */
  readonly locale: Locale;
  readonly actor: Actor;
  readonly place: ChatPlace;
}

export class CampaignDirectory {
  private readonly byId: ReadonlyMap<string, number>;
  private readonly byTelegramChat: ReadonlyMap<string, number>;

  /** `locale`: overrides every campaign's language (and every person's). */
  constructor(readonly campaigns: readonly CampaignSpec[], readonly locale?: Locale) {
    this.byId = new Map(campaigns.map((c, i) => [c.id, i]));
    const chats = new Map<string, number>();
    campaigns.forEach((c, i) => c.channels.telegram.forEach((ref) => { if (!chats.has(ref.chat)) chats.set(ref.chat, i); }));
    this.byTelegramChat = chats;
  }

  /** The campaign at `index`, if there is one. */
  at(index: number): CampaignSpec | undefined {
    return this.campaigns[index];
  }

  /** The index of campaign `id`, or null. */
  indexOf(id: string): number | null {
    return this.byId.get(id) ?? null;
  }

  /**
   * The campaign an event in `place` is about: the one `named` (by id) when a name is given;
   * else on Discord the one of the channel, then of the server; on Telegram the first that
   * lists the chat; in a private chat, or when only one campaign is loaded, the first one.
   * Null when none fits.
   */
  find(place: ChatPlace, named?: string | null): number | null {
    if (named) return this.indexOf(named);
    switch (place.platform) {
      case 'discord': {
        const here = (c: CampaignSpec, channel: boolean) => c.channels.discord.some((d) => d.guild === place.guild && (!channel || d.channel === place.channel));
        const exact = this.campaigns.findIndex((c) => here(c, true));
        if (exact >= 0) return exact;
        const guild = this.campaigns.findIndex((c) => here(c, false));
        if (guild >= 0) return guild;
        return this.campaigns.length === 1 ? 0 : null;
      }
      case 'telegram': {
        const listed = this.byTelegramChat.get(place.channel);
        if (listed !== undefined) return listed;
        return place.private && this.campaigns.length > 0 ? 0 : null;
      }
      case 'local':
        return this.campaigns.length > 0 ? 0 : null;
    }
  }

  /** Where campaign `campaignId`'s announcements go on `platform`. */
  targets(platform: Platform, campaignId: string): readonly DeliveryTarget[] {
    const campaign = this.campaigns[this.byId.get(campaignId) ?? -1];
    if (!campaign) return [];
    switch (platform) {
      case 'discord': return campaign.channels.discord.map((c) => ({ platform, channel: `${c.guild}/${c.channel}` }));
      case 'telegram': return campaign.channels.telegram.map((ref) => ({ platform, channel: ref.chat }));
      case 'local': return [{ platform, channel: 'terminal' }];
    }
  }

  /** Whether Telegram chat `chat` is one of campaign `campaign`'s chats. */
  hostsChat(campaign: CampaignSpec, chat: string): boolean {
    return campaign.channels.telegram.some((ref) => ref.chat === chat);
  }

  /** The language of a campaign's announcements (and of answers where people have no language of their own). */
  campaignLocale(campaign: CampaignSpec): Locale {
    return this.locale ?? campaign.locale;
  }

  /** The language before any campaign is known. */
  defaultLocale(): Locale {
    return this.locale ?? this.campaigns[0]?.locale ?? 'en';
  }

  /**
   * The language of one person's answer: the override; else the language their client asks
   * for (`fr…`, `en…`); else the campaign's; else the server's (`guild`), English by default.
   */
  personLocale(asked: string | null | undefined, campaign: CampaignSpec | undefined, guild?: string | null): Locale {
    if (this.locale) return this.locale;
    const tag = asked ?? '';
    if (tag.startsWith('fr')) return 'fr';
    if (tag.startsWith('en')) return 'en';
    if (campaign) return campaign.locale;
    return guild?.startsWith('fr') ? 'fr' : 'en';
  }

  /** The scope of an event about the campaign at `index`, or null when there is none. */
  scope(index: number | null, place: ChatPlace, actor: Actor, locale: Locale): ChatScope | null {
    const campaign = index === null ? undefined : this.campaigns[index];
    if (index === null || campaign === undefined) return null;
    return { index, campaign, locale, actor, place };
  }
}
