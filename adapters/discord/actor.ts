/**
 * Who and where a Discord interaction comes from: the member as an engine actor (display
 * name, role ids, the facts eligibility rules read), the place, and fans as moderators type them.
 */
import type { Interaction } from 'discord.js';
import type { Actor, ActorFacts } from '../../src/model/campaign';
import type { ChatPlace } from '../../src/chat/place';

/** The actor of an interaction: the member's display name and role ids (the engine maps them). */
export function actorOf(interaction: Interaction): Actor {
  const user = interaction.user;
  let displayName = user.globalName ?? user.username;
  let roles: string[] = [];
  const member = interaction.member;
  if (member) {
    roles = Array.isArray(member.roles) ? [...member.roles] : [...member.roles.cache.keys()];
    if ('displayName' in member && typeof member.displayName === 'string') displayName = member.displayName;
    else if ('nick' in member && typeof member.nick === 'string' && member.nick !== '') displayName = member.nick;
  }
  return { platform: 'discord', userId: user.id, displayName, memberRoleIds: roles, facts: factsOf(interaction) };
}

/**
 * What Discord tells about a member, for eligibility: the account's creation time, read from
 * the user id (a snowflake carries its creation time), and when the member joined the guild
 * (`joined_at` of the interaction's member). Outside a guild, the join is unknown.
 */
export function factsOf(interaction: Interaction): ActorFacts {
  const accountCreatedAt = interaction.user.createdTimestamp;
  const member = interaction.member as { joinedTimestamp?: number | null; joined_at?: string } | null;
  const joined = member?.joinedTimestamp ?? (typeof member?.joined_at === 'string' ? Date.parse(member.joined_at) : undefined);
  return {
    ...(Number.isFinite(accountCreatedAt) ? { accountCreatedAt } : {}),
    ...(typeof joined === 'number' && Number.isFinite(joined) ? { memberSince: joined } : {}),
  };
}

/** Where an interaction happened: its server and channel (a direct message has no server). */
export function placeOf(interaction: Interaction): ChatPlace {
  const guild = interaction.guildId;
  return { platform: 'discord', ...(guild ? { guild } : {}), channel: interaction.channelId ?? '', private: !guild };
}

/** A fan as a moderator types it: `platform:id`, a Discord id, or a mention `<@id>` (anything else goes to the engine as is). */
export function fanFromOption(value: string): string {
  const text = value.trim();
  const mention = /^<@!?(\d{1,20})>$/.exec(text);
  if (mention) return `discord:${mention[1]}`;
  if (/^\d{1,20}$/.test(text)) return `discord:${text}`;
  return text;
}
