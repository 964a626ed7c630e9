/**
 * cocreate as a library: participatory campaigns (fans propose, curators shortlist, fans vote,
 * the winners are revealed) run inside a host program's own chat bots.
 *
 * ```ts
 * import { createCocreate } from 'cocreate';
 *
 * const cocreate = await createCocreate({ campaigns: ['campaigns/my-campaign.yaml'], store: { redisUrl: process.env.REDIS_URL! } });
 * cocreate.on('reveal', (r) => console.log(`${r.categoryId}: ${r.winners[0]?.text}`));
 * await cocreate.start();
 * const result = await cocreate.execute({ type: 'propose', campaignId: 'my-campaign', categoryId: 'ideas', text: 'A song' },
 *   { platform: 'discord', userId: '123', displayName: 'Alice' });
 * ```
 *
 * @packageDocumentation
 */
export { createCocreate, type Cocreate, type CocreateOptions, type RedisStoreOptions } from './api/cocreate';
export { CocreateError, formatCampaignProblem, type CampaignProblem, type CocreateErrorCode } from './api/errors';
export type { BallotEvent, CocreateEvents, ErrorEvent, Listener, ProposalEvent, RevealEvent } from './api/events';
export type { AttachContext, AttachedPlatform, HostPlatform } from './api/platform';
export { VirtualClock } from './clock/virtual-clock';
export { campaignJsonSchema } from './config/json-schema';
export type { CampaignFileInput } from './config/schema';
export type { CategoryStatus, Command, CommandResult, ExportCategory, ExportDocument, ExportEntry, FanDataDocument, PhaseChange, ReceiptItem, Success } from './engine/commands';
export type { ResultsDocument } from './engine/engine';
export type {
  Actor, ActorFacts, CampaignSpec, CategorySpec, ChannelsSpec, ChartColors, DiscordChannelRef, EligibilityRules, Locale, Phase, PhaseWindow, Platform, ProposalRules,
  RateLimit, ReminderSpec, RevealRule, Role, RoleGrants, RolesSpec, ShortlistRule, TelegramChatRef, TieBreak, TimedPhase, TrustSpec, VoteRule,
} from './model/campaign';
export type { CampaignEvent, ListedProposal, Standing } from './model/events';
export { REFUSAL_CODES, type Refusal, type RefusalCode } from './model/refusals';
export type { CategoryResults, Proposal, ProposalStatus, Winner } from './model/records';
export type { BanEntry, Ban, ErasureReport } from './ports/campaign-store';
export type { Clock } from './ports/clock';
export { RateLimitedError, type Deliver, type DeliveryTarget } from './ports/outbox';
