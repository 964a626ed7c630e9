/**
 * Every sentence the bot says, in French and English. A refusal code of the engine is also
 * the key of its message (STYLE: "a refusal's code doubles as its translation key").
 *
 * Templates hold `{name}` placeholders; `t` fills them. The English catalog is the reference:
 * its keys are the `MessageKey` type and its placeholders type the parameters of `t`, so a
 * missing key or a missing parameter is a compile error. The French catalog must have the
 * same keys (compile error otherwise) and the same placeholders (test/i18n checks it).
 * French replies to one fan say « tu »; announcements to a whole channel say « vous ».
 */
import type { RefusalCode } from '../model/refusals';
import type { Locale } from '../model/campaign';

const en = {
  // ---------------------------------------------------------------- refusals (engine codes)
  'campaign.unknown': 'There is no campaign “{campaign}” here. Check its name and try again.',
  'category.unknown': 'There is no category “{category}” in this campaign. Type /status to see the categories.',
  'category.fixed-options': 'This category is a vote among fixed options: there is nothing to propose or shortlist, just vote.',
  'phase.closed': 'That is not open right now in this category. Type /status to see the current phase and when it ends.',
  'phase.paused': 'This category is paused for the moment. Hang on, it will resume soon!',
  'phase.not-paused': 'This category is not paused, so there is nothing to resume.',
  'phase.final': 'This category is over and its results are out. Type /results to see them.',
  'phase.stale': 'The phase changed just before your command, so nothing was done. Check /status and try again if still needed.',
  'actor.not-allowed': 'You are not allowed to do that here: it is reserved for the campaign’s curators or managers.',
  'proposal.too-short': 'Your idea is too short: {min} characters at least.',
  'proposal.too-long': 'Your idea is too long: {max} characters at most.',
  'proposal.empty': 'Your idea is empty: write your text after the command.',
  'proposal.duplicate': 'This idea has already been proposed in this category. Like it instead, or propose something different!',
  'proposal.limit': 'You have reached the limit of {max} in this category. Withdraw one to propose another.',
  'proposal.unknown': 'There is no such idea. Check its number with /proposals.',
  'proposal.not-owner': 'This idea is not yours: only its author can edit or withdraw it.',
  'proposal.not-active': 'This idea is no longer active (withdrawn, rejected or in review), so that is not possible.',
  'like.already': 'You already like this idea.',
  'like.not-liked': 'You had not liked this idea, so there is nothing to undo.',
  'like.own': 'You cannot like your own idea — share it with your friends instead!',
  'shortlist.full': 'The shortlist of this category is full ({max}). Remove one first.',
  'shortlist.already': 'This idea is already on the shortlist.',
  'shortlist.not-listed': 'This idea is not on the shortlist.',
  'shortlist.rejected': 'This idea was rejected, so it cannot be shortlisted.',
  'vote.already-cast': 'You have already voted in this category, and votes cannot be changed here.',
  'vote.not-shortlisted': 'You can only vote for shortlisted ideas: check their numbers on the shortlist and try again.',
  'vote.invalid-choice': 'That choice is not valid in this category. Check the numbers of the options and try again.',
  'vote.too-many': 'Too many choices: {max} at most in this category.',
  'vote.duplicate-choice': 'You chose the same option twice: name each option only once.',
  'reveal.no-tie': 'There is no tie to break in this category.',
  'reveal.not-tied': 'This idea is not one of the tied ones: pick one of them.',
  'command.invalid': 'That command is not valid. Type /help to see how to use it.',
  'duration.invalid': '“{duration}” is not a valid duration. Use an ISO 8601 duration such as PT2H (two hours) or P1D (one day).',
  'duration.out-of-range': '“{duration}” is out of bounds: at least one second and at most {max}.',
  'instant.out-of-range': 'That would move a date to {instant}, outside the years 2000 to 2099 that a campaign may use. Nothing was changed.',
  'store.unavailable': 'We could not confirm that right now. Please try again in a moment: trying again is safe, nothing is ever counted twice.',
  'bot.restarting': 'The bot is restarting: nothing was recorded. Please try again in a minute.',

  // ---------------------------------------------------------------- replies to a command
  'reply.propose': 'Thanks {author}! Your idea #{id} is recorded in “{category}”: {text}',
  'reply.edit': 'Your idea #{id} is updated: {text}',
  'reply.withdraw': 'Your idea #{id} is withdrawn.',
  'reply.reject': 'Idea #{id} is rejected: {reason}',
  'reply.like': 'You like idea #{id}. Likes: {likes}.',
  'reply.unlike': 'You no longer like idea #{id}. Likes: {likes}.',
  'reply.vote': 'Your vote in “{category}” is counted: {choice}. Thank you!',
  'reply.vote.changed': 'Your vote in “{category}” is changed: {choice}.',
  'reply.shortlist.add': 'Idea #{id} is now on the shortlist.',
  'reply.shortlist.remove': 'Idea #{id} is no longer on the shortlist.',
  'reply.advance': 'Moved on:',
  'reply.advance.change': '“{category}”: {from} → {to}',
  'reply.pause': 'Paused: {categories}.',
  'reply.resume': 'Resumed: {categories}.',
  'reply.extend': 'Extended by {duration}: {categories}.',
  'reply.break-tie': 'Tie broken in “{category}”.',
  'choice.label': '“{label}”',
  'choice.ranked': '{rank}. “{label}”',

  // ---------------------------------------------------------------- status
  'status.header': '{title}\nYou are: {roles}.',
  'status.line': '• “{category}”: {phase} · ideas: {proposals} · ballots: {ballots}',
  'status.phase.until': '{phase} until {date}',
  'status.phase.paused': '{phase} (paused)',
  'status.phase.opens': 'opens on {date}',
  'date.invalid': 'an impossible date ({value})',

  // ---------------------------------------------------------------- names
  'name.phase.pending': 'not open yet',
  'name.phase.propose': 'proposals',
  'name.phase.shortlist': 'shortlist',
  'name.phase.vote': 'vote',
  'name.phase.reveal': 'results',
  'name.role.fan': 'fan',
  'name.role.curator': 'curator',
  'name.role.manager': 'manager',
  'name.status.review': 'in review',
  'name.status.withdrawn': 'withdrawn',
  'name.status.rejected': 'rejected',

  // ---------------------------------------------------------------- lists of ideas
  'list.ideas': 'Ideas in “{category}”:',
  'list.mine': 'Your ideas in “{category}”:',
  'list.empty': 'No ideas here yet.',
  'list.mine.empty': 'You have no ideas here yet. Propose one with /propose!',
  'list.shortlist': 'Shortlist of “{category}”:',
  'list.shortlist.empty': 'The shortlist is empty for now.',
  'item.idea': '#{id} · {text} — {author}',
  'item.option': '#{id} · {text}',
  'item.likes': '{item} · ♥ {likes}',
  'item.status': '{item} · {status}',
  'item.rejected': '{item} · rejected: {reason}',

  // ---------------------------------------------------------------- results
  'results.header': 'Results for “{category}” — ballots: {ballots}',
  'results.winner': '🏆 {item} — votes: {votes}',
  'results.no-winner': 'No winner: nobody voted.',
  'results.tie-pending': 'Tie between {ids}: the curators will decide.',
  'results.none': 'No results yet: the vote is not over.',

  // ---------------------------------------------------------------- announcements (events)
  'event.opened.propose': 'Ideas wanted for “{category}”! Propose yours until {date}.',
  'event.opened.shortlist': 'Proposals for “{category}” are closed. The curators are choosing the shortlist until {date}.',
  'event.opened.shortlist.auto': 'Proposals for “{category}” are closed. The shortlist will be out on {date}.',
  'event.opened.vote': 'The vote for “{category}” is open until {date}!',
  'event.shortlist': 'The shortlist for “{category}” is out! Vote until {date}:',
  'event.reminder.propose': 'Last call for ideas in “{category}”: proposals close on {date}.',
  'event.reminder.shortlist': 'Reminder for the curators: the shortlist of “{category}” closes on {date}.',
  'event.reminder.vote': 'Last call to vote in “{category}”: the vote closes on {date}.',
  'event.paused': '“{category}” is paused during its {phase} phase. Stay tuned!',
  'event.resumed': '“{category}” is back: {phase} until {date}.',
  'event.extended': 'More time! The {phase} phase of “{category}” now ends on {date}.',
  'event.review': 'An idea in “{category}” reached {likes} likes: it now goes to the curators for review.\n{item}',
  'event.tie': 'Tie in “{category}”! The curators will pick the winner among:',
  'event.results': 'The results for “{category}” are in! Ballots: {ballots}',
  'event.results.none': 'The vote for “{category}” is closed: nobody voted, so there is no winner.',

  // ---------------------------------------------------------------- Discord (adapters/discord)
  'discord.cmd.propose': 'Propose an idea for the campaign',
  'discord.cmd.proposals': 'Your ideas, with buttons to edit or withdraw them',
  'discord.cmd.status': 'Phases, deadlines and counts of the campaign',
  'discord.cmd.shortlist': 'The shortlist of a category',
  'discord.cmd.shortlist.add': 'Put an idea on the shortlist (curators)',
  'discord.cmd.shortlist.remove': 'Take an idea off the shortlist (curators)',
  'discord.cmd.shortlist.list': 'Show the shortlist of a category',
  'discord.cmd.shortlist.review': 'Review the ideas of a category, with a button to shortlist each (curators)',
  'discord.cmd.campaign': 'Steer the campaign (managers)',
  'discord.cmd.campaign.advance': 'Move on to the next phase now',
  'discord.cmd.campaign.pause': 'Pause the campaign',
  'discord.cmd.campaign.resume': 'Resume the campaign',
  'discord.cmd.campaign.extend': 'Give the current phase more time',
  'discord.cmd.campaign.reveal': 'Close the vote now and reveal the winners',
  'discord.cmd.campaign.export': 'Download the ideas and results as CSV (spreadsheets) and JSON',
  'discord.opt.campaign': 'The campaign (by default, the one of this channel)',
  'discord.opt.category': 'The category',
  'discord.opt.proposal': 'The number of the idea (see /proposals)',
  'discord.opt.duration': 'How much more time, as an ISO 8601 duration: PT2H, P1D…',
  'discord.modal.propose': 'Propose an idea',
  'discord.modal.edit': 'Edit idea #{id}',
  'discord.modal.category': 'Category',
  'discord.modal.text': 'Your idea',
  'discord.modal.length': 'From {min} to {max} characters.',
  'discord.button.edit': 'Edit #{id}',
  'discord.button.withdraw': 'Withdraw #{id}',
  'discord.button.shortlist': 'Shortlist #{id}',
  'discord.button.rank': 'Rank the ideas',
  'discord.button.rank.done': 'Send my ranking',
  'discord.ballot.single': 'Choose your favourite',
  'discord.ballot.approval': 'Choose up to {max}',
  'discord.ballot.rank': 'Your choice number {rank}',
  'discord.ballot.ranked-so-far': 'Your ranking so far: {ranking}. Pick the next one, or send it.',
  'discord.review.none': 'No idea to review in this category.',
  'discord.campaign.none': 'No campaign runs here.',
  'discord.export': 'The results and ideas of “{campaign}” are attached.',
  'discord.warning.permission': '⚠️ The bot cannot post in <#{channel}>: it lacks a permission there (View Channel, Send Messages). Announcements for that channel are dropped until it is fixed.',

  // ---------------------------------------------------------------- local terminal chat
  'local.welcome': 'cocreate — local chat. You are {name} ({roles}) in “{campaign}”. Type /help for the commands.',
  'local.as': 'You are now {name} ({roles}).',
  'local.campaign': 'Current campaign: “{title}” ({id}).',
  'local.campaign.list': 'Loaded campaigns: {ids}. Switch with /campaign ID.',
  'local.campaign.unknown': 'No loaded campaign is called “{id}”. Loaded: {ids}.',
  'local.no-campaign': 'No campaign is loaded: start cocreate with a campaign file.',
  'local.help': 'Commands (an idea’s ID is its number after #, counted 1 … 9, a … z, 10 …: #a is the tenth idea):',
  'local.bye': 'Bye!',
  'usage': 'Usage: {syntax}',
  'usage.unknown': 'Unknown command. Type /help to see them all.',
  'usage.as': '/as NAME [fan|curator|manager] — play someone',
  'usage.campaign': '/campaign [ID] — show or switch the current campaign',
  'usage.status': '/status — phases, deadlines and counts',
  'usage.propose': '/propose CATEGORY "your idea" — propose an idea',
  'usage.edit': '/edit ID "new text" — edit your idea',
  'usage.withdraw': '/withdraw ID — withdraw your idea',
  'usage.like': '/like ID — like an idea',
  'usage.unlike': '/unlike ID — take your like back',
  'usage.proposals': '/proposals [CATEGORY] [mine] — list the ideas',
  'usage.reject': '/reject ID reason — reject an idea (curators)',
  'usage.shortlist': '/shortlist add ID | remove ID | list CATEGORY — manage or show the shortlist',
  'usage.vote': '/vote CATEGORY ID [ID…] — vote (several IDs for approval, in order of preference for ranked)',
  'usage.advance': '/advance [CATEGORY] — move on to the next phase (managers)',
  'usage.pause': '/pause [CATEGORY] — pause (managers)',
  'usage.resume': '/resume [CATEGORY] — resume (managers)',
  'usage.extend': '/extend [CATEGORY] DURATION — extend the current phase, e.g. PT2H (managers)',
  'usage.tie': '/tie CATEGORY ID — break a tie (curators)',
  'usage.results': '/results [CATEGORY] — show the results',
  'usage.help': '/help — this list',
  'usage.quit': '/quit — leave',

  // ---------------------------------------------------------------- Telegram (adapters/telegram)
  'telegram.command.propose': 'Propose an idea',
  'telegram.command.mine': 'Your ideas: edit or withdraw them',
  'telegram.command.status': 'Phases, deadlines and counts',
  'telegram.command.shortlist': 'Pick the shortlist (curators)',
  'telegram.command.advance': 'Move on to the next phase (managers)',
  'telegram.command.pause': 'Pause (managers)',
  'telegram.command.resume': 'Resume (managers)',
  'telegram.command.extend': 'Give the current phase more time, e.g. /extend PT2H (managers)',
  'telegram.command.reveal': 'Close the vote now and reveal the winners (managers)',
  'telegram.command.export': 'Get the ideas and results as a file (managers)',
  'telegram.command.help': 'How to take part',
  'telegram.help': 'How to take part in “{title}”:\n/propose — propose an idea (pick its category, then send the text)\n/mine — your ideas, to edit or withdraw them\n/status — phases, deadlines and counts\n/mydata — your data, sent privately; /forgetme — erase yourself\nWhen the vote opens, press the buttons under the shortlist to vote.\nCurators: /shortlist [CATEGORY], /shortlist add ID, /shortlist remove ID\nManagers: /advance, /pause, /resume, /extend [CATEGORY] DURATION, /reveal, /export',
  'telegram.no-campaign': 'No campaign runs in this chat.',
  'telegram.propose.pick': 'Which category is your idea for?',
  'telegram.propose.none': 'No category takes ideas right now. Type /status to see what is open.',
  'telegram.propose.write': '{name}, send your idea for “{category}” as a reply to this message.',
  'telegram.propose.chosen': 'Now send your idea for “{category}”.',
  'telegram.edit.write': '{name}, send the new text of your idea #{id} as a reply to this message.',
  'telegram.edit.chosen': 'Now send the new text of idea #{id}.',
  'telegram.button.edit': '✏️ Edit #{id}',
  'telegram.button.withdraw': '🗑 Withdraw #{id}',
  'telegram.button.shortlist.add': '➕ #{id} {text}',
  'telegram.button.shortlist.remove': '➖ #{id} {text}',
  'telegram.button.vote.submit': '✅ Vote',
  'telegram.button.vote.reset': '↺ Start over',
  'telegram.shortlist.candidates': 'Press ➕ to put an idea on the shortlist, ➖ to take it off.',
  'telegram.shortlist.no-candidates': 'No idea to review in “{category}”.',
  'telegram.ballot.single': 'Press the idea you vote for (one vote per person).',
  'telegram.ballot.approval': 'Press up to {max} ideas, one after the other, then ✅ Vote.',
  'telegram.ballot.ranked': 'Press the ideas in your order of preference, then ✅ Vote.',
  'telegram.ballot.picked': 'Your choice so far: {choice}. Press ✅ Vote to send it.',
  'telegram.ballot.empty': 'Press one or more ideas first, then ✅ Vote.',
  'telegram.ballot.reset': 'Your choice is cleared: start again.',
  'telegram.expired': 'This button has expired. Type the command again.',
  'telegram.export.caption': 'Ideas and results of “{title}”.',
  'telegram.export.sent': 'I sent you the export in a private chat.',
  'telegram.export.blocked': 'I cannot write to you privately: open a chat with me, press Start, then try again.',
  // ---------------------------------------------------------------- results picture and exports
  'reply.export': 'Export of “{campaign}” ready: {entries}, with authors, likes, shortlist and, once revealed, votes.',
  'export.written': 'Export written: {path}',
  'chart.title': 'Results — {category}',
  'chart.ballots': 'Ballots: {ballots}',
  'chart.votes': '{votes}',
  // Counted nouns, chosen by the locale's plural rules (Intl.PluralRules): see formatCount.
  'count.idea.one': '{n} idea',
  'count.idea.other': '{n} ideas',
  'count.like.one': '{n} like',
  'count.like.other': '{n} likes',
  'count.ballot.one': '{n} ballot',
  'count.ballot.other': '{n} ballots',
  'count.vote.one': '{n} vote',
  'count.vote.other': '{n} votes',
  'count.entry.one': '{n} idea or option',
  'count.entry.other': '{n} ideas or options',
  'chart.winner': 'Winner',
  'chart.by': 'by {author}',
  'chart.empty': 'Nobody voted.',
  'usage.export': '/export — write the ideas and results as CSV and JSON files (managers)',

  // ---------------------------------------------------------------- trust and fairness
  'eligibility.banned': 'You cannot take part in this campaign: a curator has excluded you. Contact the organisers if you think it is a mistake.',
  'eligibility.excluded': 'You cannot take part in this campaign: its rules exclude your account or one of your roles.',
  'eligibility.role-required': 'This phase is reserved for members with a particular role. Ask the organisers how to get it.',
  'eligibility.account-too-new': 'Your account is too recent to take part in this phase. Come back in {wait}!',
  'eligibility.member-too-new': 'You joined too recently to take part in this phase. Come back in {wait}!',
  'eligibility.unknown': 'This phase requires an account or membership age that cannot be checked on this platform, so you cannot take part from here.',
  'rate.limited': 'Easy there! You did that too often in a short time. Try again in {wait}.',
  'proposal.category-full': 'This category has received all the ideas it can take ({max}). You can still like the ideas already proposed!',
  'fan.invalid': 'That is not a fan: write PLATFORM:ID, such as discord:123456789012345678 or telegram:123456789.',
  'wait.seconds': '{n} s',
  'wait.minutes': '{n} min',
  'wait.hours': '{n} h',
  'wait.day': '1 day',
  'wait.days': '{n} days',
  'name.refusal.eligibility.banned': 'banned',
  'name.refusal.eligibility.excluded': 'excluded',
  'name.refusal.eligibility.role-required': 'missing role',
  'name.refusal.eligibility.account-too-new': 'account too new',
  'name.refusal.eligibility.member-too-new': 'joined too recently',
  'name.refusal.eligibility.unknown': 'age unknown',
  'name.refusal.rate.limited': 'too fast',
  'name.refusal.proposal.category-full': 'category full',
  'status.refusals': 'Refused (eligibility and anti-spam): {counts}.',
  'status.refusals.none': 'Refused (eligibility and anti-spam): none.',
  'status.refusal': '{name} {count}',
  'status.durability': 'Durability: an answer to a fan means {ack}.',
  'status.durability.warning': '⚠️ Durability: an answer to a fan means {ack}, but {risk}.',
  'name.ack.redis': 'Redis has it (in memory, and on disk if Redis keeps an AOF)',
  'name.ack.aof': 'it is written to disk (Redis’s AOF, fsynced)',
  'name.ack.replica': 'a Redis replica has it too',
  'name.risk.no-ack-possible': 'that cannot be confirmed right now (no replica, or no AOF to wait for): fans are asked to try again',
  'name.risk.memory-only': 'Redis keeps nothing on disk: a Redis crash would lose every ballot',
  'name.risk.snapshots-only': 'Redis only takes snapshots: a crash would lose what came after the last one',
  'name.risk.fsync-delayed': 'a power loss could lose about the last second of answers',
  'name.risk.failover': 'a failover could lose the last answers a replica had not received yet',
  'name.risk.unpersisted-master': 'the Redis master keeps nothing on disk: if it restarted on its own, it would wipe its replicas',
  'reply.mydata': 'Everything “{title}” holds about you: {proposals}, {likes}, {ballots}. The details are in the attached JSON file.',
  'reply.mydata.sent': 'I sent you your data in a private message.',
  'reply.forgetme.confirm': 'This erases you from “{title}”: your ballots in votes still open are withdrawn (you may vote again), ballots already counted stay without your name, your likes are taken back or made anonymous, and your ideas stay without your name. It cannot be undone. To go on: {how}',
  'reply.forgetme': 'Done: “{title}” no longer knows you. Ballots withdrawn: {withdrawn}; kept anonymously in closed votes: {anonymized}. Ideas now anonymous: {proposals}.',
  'reply.fan.erase': '{fan} is erased from “{title}”. Ballots withdrawn: {withdrawn}; kept anonymously: {anonymized}. Ideas now anonymous: {proposals}.',
  'reply.fan.export': 'The data of {fan} in “{title}”: {proposals}, {likes}, {ballots}.',
  'reply.ban': '{fan} is banned from “{title}”.',
  'reply.ban.already': '{fan} was already banned.',
  'reply.unban': '{fan} is no longer banned.',
  'reply.unban.not-banned': '{fan} was not banned.',
  'reply.bans': 'Banned fans: {count}',
  'reply.bans.line': '• {fan} — {reason}',
  'discord.cmd.mydata': 'Get everything this campaign holds about you, as JSON',
  'discord.cmd.forgetme': 'Erase yourself from this campaign',
  'discord.cmd.moderate': 'The ban list (curators)',
  'discord.cmd.moderate.ban': 'Ban a fan from the campaign',
  'discord.cmd.moderate.unban': 'Lift a ban',
  'discord.cmd.moderate.bans': 'List the banned fans',
  'discord.cmd.campaign.fan-export': 'Download one fan’s data as JSON',
  'discord.cmd.campaign.fan-erase': 'Erase one fan from the campaign',
  'discord.opt.fan': 'The fan: a member id or mention, or PLATFORM:ID such as telegram:123456789',
  'discord.opt.reason': 'Why (shown to curators)',
  'discord.opt.confirm': 'Pick “yes, erase me” to confirm',
  'discord.choice.confirm': 'yes, erase me',
  'telegram.command.mydata': 'Your data in this campaign, sent privately',
  'telegram.command.forgetme': 'Erase yourself from this campaign',
  'telegram.mydata.blocked': 'I cannot write to you privately: open a chat with me, press Start, then try again.',
  'telegram.command.ban': 'Ban a fan: /ban ID reason, or in reply to their message (curators)',
  'telegram.command.unban': 'Lift a ban: /unban ID (curators)',
  'telegram.command.bans': 'The banned fans (curators)',
  'telegram.command.fan': 'A fan’s data: /fan export|erase PLATFORM:ID (managers)',
  'usage.mydata': '/mydata — everything this campaign holds about you, as JSON',
  'usage.forgetme': '/forgetme confirm — erase yourself from this campaign',
  'usage.ban': '/ban NAME|PLATFORM:ID [reason] — ban a fan (curators)',
  'usage.unban': '/unban NAME|PLATFORM:ID — lift a ban (curators)',
  'usage.bans': '/bans — the banned fans (curators)',
  'usage.fan': '/fan export|erase NAME|PLATFORM:ID — a fan’s data, or erase them (managers)',
  // ---------------------------------------------------------------- trust: hidden results, receipts
  'status.line.hidden': '• “{category}”: {phase} · ideas: {proposals} · ballots: hidden until the vote closes',
  'receipt.none': 'You have no ballot here, so there is no receipt to give. Vote first, then ask again.',
  'reply.receipt.header': 'Your ballot receipts (only you see this):',
  'reply.receipt.item': '“{category}”: {choice}\nReceipt: {hash}',
  'reply.receipt.revealed': 'Find your receipt in the results manifest of “{category}” (ballots digest {digest}).',
  'reply.receipt.pending': 'After the reveal, find your receipt in the results manifest: it proves your ballot was counted as cast.',
  'usage.receipt': '/receipt [CATEGORY] — the receipt of your ballot, to find in the results manifest',
  'discord.cmd.receipt': 'The receipt of your ballot, to find it in the results manifest',
  'telegram.command.receipt': 'The receipt of your ballot (sent privately)',
  'telegram.receipt.sent': 'I sent you your receipt in a private chat.',
  'event.results.digest': 'Ballots digest (see the results manifest): {digest}',
  'event.results.sealed': 'Ballots of “{category}” sealed: {ballots}. Ballots digest (see the results manifest): {digest}',
} as const;

/** A key of the message catalog (the refusal codes are among them). */
export type MessageKey = keyof typeof en;

type Catalog = { readonly [K in MessageKey]: string };

const fr: Catalog = {
  'campaign.unknown': 'Il n’y a pas de campagne « {campaign} » ici. Vérifie son nom et réessaie.',
  'category.unknown': 'Il n’y a pas de catégorie « {category} » dans cette campagne. Tape /status pour voir les catégories.',
  'category.fixed-options': 'Cette catégorie est un vote entre des options fixées : rien à proposer ni à présélectionner, il suffit de voter.',
  'phase.closed': 'Ce n’est pas ouvert en ce moment dans cette catégorie. Tape /status pour voir la phase en cours et sa date de fin.',
  'phase.paused': 'Cette catégorie est en pause pour le moment. Patience, elle reprend bientôt !',
  'phase.not-paused': 'Cette catégorie n’est pas en pause : il n’y a rien à reprendre.',
  'phase.final': 'Cette catégorie est terminée et ses résultats sont publiés. Tape /results pour les voir.',
  'phase.stale': 'La phase a changé juste avant ta commande : rien n’a été fait. Vérifie avec /status et recommence si besoin.',
  'actor.not-allowed': 'Tu n’as pas le droit de faire cela ici : c’est réservé aux curateurs ou aux responsables de la campagne.',
  'proposal.too-short': 'Ton idée est trop courte : {min} caractères au minimum.',
  'proposal.too-long': 'Ton idée est trop longue : {max} caractères au maximum.',
  'proposal.empty': 'Ton idée est vide : écris ton texte après la commande.',
  'proposal.duplicate': 'Cette idée a déjà été proposée dans cette catégorie. Soutiens-la avec un j’aime, ou propose autre chose !',
  'proposal.limit': 'Tu as atteint la limite de {max} dans cette catégorie. Retires-en une pour en proposer une autre.',
  'proposal.unknown': 'Cette idée n’existe pas. Vérifie son numéro avec /proposals.',
  'proposal.not-owner': 'Cette idée n’est pas la tienne : seul son auteur peut la modifier ou la retirer.',
  'proposal.not-active': 'Cette idée n’est plus active (retirée, rejetée ou en examen) : ce n’est plus possible.',
  'like.already': 'Tu aimes déjà cette idée.',
  'like.not-liked': 'Tu n’avais pas aimé cette idée : rien à annuler.',
  'like.own': 'Tu ne peux pas aimer ta propre idée — partage-la plutôt avec tes amis !',
  'shortlist.full': 'La présélection de cette catégorie est complète ({max}). Retires-en une d’abord.',
  'shortlist.already': 'Cette idée est déjà dans la présélection.',
  'shortlist.not-listed': 'Cette idée n’est pas dans la présélection.',
  'shortlist.rejected': 'Cette idée a été rejetée : elle ne peut pas entrer dans la présélection.',
  'vote.already-cast': 'Tu as déjà voté dans cette catégorie, et le vote ne peut pas être changé ici.',
  'vote.not-shortlisted': 'Tu ne peux voter que pour les idées présélectionnées : vérifie leurs numéros dans la présélection et réessaie.',
  'vote.invalid-choice': 'Ce choix n’est pas valable dans cette catégorie. Vérifie les numéros des options et réessaie.',
  'vote.too-many': 'Trop de choix : {max} au maximum dans cette catégorie.',
  'vote.duplicate-choice': 'Tu as choisi deux fois la même option : cite chaque option une seule fois.',
  'reveal.no-tie': 'Il n’y a pas d’égalité à départager dans cette catégorie.',
  'reveal.not-tied': 'Cette idée ne fait pas partie des ex æquo : choisis l’une d’elles.',
  'command.invalid': 'Cette commande n’est pas valable. Tape /help pour voir comment l’utiliser.',
  'duration.invalid': '« {duration} » n’est pas une durée valable. Utilise une durée ISO 8601, par exemple PT2H (deux heures) ou P1D (un jour).',
  'duration.out-of-range': '« {duration} » sort des bornes : au moins une seconde et au plus {max}.',
  'instant.out-of-range': 'Cela mettrait une date au {instant}, hors des années 2000 à 2099 qu’une campagne peut utiliser. Rien n’a été changé.',
  'store.unavailable': 'Impossible de le confirmer pour l’instant. Réessaie dans un moment : tu peux réessayer sans crainte, rien n’est jamais compté deux fois.',
  'bot.restarting': 'Le bot redémarre : rien n’a été enregistré. Réessaie dans une minute.',

  'reply.propose': 'Merci {author} ! Ton idée #{id} est enregistrée dans « {category} » : {text}',
  'reply.edit': 'Ton idée #{id} est modifiée : {text}',
  'reply.withdraw': 'Ton idée #{id} est retirée.',
  'reply.reject': 'L’idée #{id} est rejetée : {reason}',
  'reply.like': 'Tu aimes l’idée #{id}. J’aime : {likes}.',
  'reply.unlike': 'Tu n’aimes plus l’idée #{id}. J’aime : {likes}.',
  'reply.vote': 'Ton vote dans « {category} » est pris en compte : {choice}. Merci !',
  'reply.vote.changed': 'Ton vote dans « {category} » est modifié : {choice}.',
  'reply.shortlist.add': 'L’idée #{id} entre dans la présélection.',
  'reply.shortlist.remove': 'L’idée #{id} sort de la présélection.',
  'reply.advance': 'Phase suivante :',
  'reply.advance.change': '« {category} » : {from} → {to}',
  'reply.pause': 'En pause : {categories}.',
  'reply.resume': 'Reprise : {categories}.',
  'reply.extend': 'Prolongé de {duration} : {categories}.',
  'reply.break-tie': 'Égalité départagée dans « {category} ».',
  'choice.label': '« {label} »',
  'choice.ranked': '{rank}. « {label} »',

  'status.header': '{title}\nTu es : {roles}.',
  'status.line': '• « {category} » : {phase} · idées : {proposals} · bulletins : {ballots}',
  'status.phase.until': '{phase} jusqu’au {date}',
  'status.phase.paused': '{phase} (en pause)',
  'status.phase.opens': 'ouvre le {date}',
  'date.invalid': 'une date impossible ({value})',

  'name.phase.pending': 'pas encore ouverte',
  'name.phase.propose': 'propositions',
  'name.phase.shortlist': 'présélection',
  'name.phase.vote': 'vote',
  'name.phase.reveal': 'résultats',
  'name.role.fan': 'fan',
  'name.role.curator': 'curateur',
  'name.role.manager': 'responsable',
  'name.status.review': 'en examen',
  'name.status.withdrawn': 'retirée',
  'name.status.rejected': 'rejetée',

  'list.ideas': 'Les idées de « {category} » :',
  'list.mine': 'Tes idées dans « {category} » :',
  'list.empty': 'Pas encore d’idée ici.',
  'list.mine.empty': 'Tu n’as pas encore d’idée ici. Propose-en une avec /propose !',
  'list.shortlist': 'La présélection de « {category} » :',
  'list.shortlist.empty': 'La présélection est vide pour l’instant.',
  'item.idea': '#{id} · {text} — {author}',
  'item.option': '#{id} · {text}',
  'item.likes': '{item} · ♥ {likes}',
  'item.status': '{item} · {status}',
  'item.rejected': '{item} · rejetée : {reason}',

  'results.header': 'Résultats de « {category} » — bulletins : {ballots}',
  'results.winner': '🏆 {item} — voix : {votes}',
  'results.no-winner': 'Pas de gagnant : personne n’a voté.',
  'results.tie-pending': 'Égalité entre {ids} : les curateurs vont trancher.',
  'results.none': 'Pas encore de résultats : le vote n’est pas terminé.',

  'event.opened.propose': 'Place aux idées pour « {category} » ! Proposez les vôtres jusqu’au {date}.',
  'event.opened.shortlist': 'Les propositions pour « {category} » sont closes. Les curateurs choisissent la présélection jusqu’au {date}.',
  'event.opened.shortlist.auto': 'Les propositions pour « {category} » sont closes. La présélection sera publiée le {date}.',
  'event.opened.vote': 'Le vote pour « {category} » est ouvert jusqu’au {date} !',
  'event.shortlist': 'La présélection de « {category} » est là ! Votez jusqu’au {date} :',
  'event.reminder.propose': 'Dernier appel pour les idées de « {category} » : les propositions ferment le {date}.',
  'event.reminder.shortlist': 'Rappel aux curateurs : la présélection de « {category} » ferme le {date}.',
  'event.reminder.vote': 'Dernier appel pour voter dans « {category} » : le vote ferme le {date}.',
  'event.paused': '« {category} » est en pause pendant la phase « {phase} ». Restez connectés !',
  'event.resumed': '« {category} » reprend : {phase} jusqu’au {date}.',
  'event.extended': 'Du temps en plus ! La phase « {phase} » de « {category} » se termine maintenant le {date}.',
  'event.review': 'Une idée de « {category} » a atteint {likes} j’aime : elle passe maintenant devant les curateurs.\n{item}',
  'event.tie': 'Égalité dans « {category} » ! Les curateurs choisiront le gagnant parmi :',
  'event.results': 'Les résultats de « {category} » sont tombés ! Bulletins : {ballots}',
  'event.results.none': 'Le vote pour « {category} » est clos : personne n’a voté, donc pas de gagnant.',

  'discord.cmd.propose': 'Proposer une idée pour la campagne',
  'discord.cmd.proposals': 'Tes idées, avec des boutons pour les modifier ou les retirer',
  'discord.cmd.status': 'Phases, échéances et compteurs de la campagne',
  'discord.cmd.shortlist': 'La présélection d’une catégorie',
  'discord.cmd.shortlist.add': 'Ajouter une idée à la présélection (curateurs)',
  'discord.cmd.shortlist.remove': 'Retirer une idée de la présélection (curateurs)',
  'discord.cmd.shortlist.list': 'Voir la présélection d’une catégorie',
  'discord.cmd.shortlist.review': 'Passer en revue les idées d’une catégorie, avec un bouton pour présélectionner (curateurs)',
  'discord.cmd.campaign': 'Piloter la campagne (responsables)',
  'discord.cmd.campaign.advance': 'Passer tout de suite à la phase suivante',
  'discord.cmd.campaign.pause': 'Mettre la campagne en pause',
  'discord.cmd.campaign.resume': 'Reprendre la campagne',
  'discord.cmd.campaign.extend': 'Donner plus de temps à la phase en cours',
  'discord.cmd.campaign.reveal': 'Clore le vote maintenant et révéler les gagnants',
  'discord.cmd.campaign.export': 'Télécharger les idées et les résultats en CSV (tableur) et JSON',
  'discord.opt.campaign': 'La campagne (par défaut, celle de ce salon)',
  'discord.opt.category': 'La catégorie',
  'discord.opt.proposal': 'Le numéro de l’idée (voir /proposals)',
  'discord.opt.duration': 'Combien de temps en plus, en durée ISO 8601 : PT2H, P1D…',
  'discord.modal.propose': 'Proposer une idée',
  'discord.modal.edit': 'Modifier l’idée #{id}',
  'discord.modal.category': 'Catégorie',
  'discord.modal.text': 'Ton idée',
  'discord.modal.length': 'De {min} à {max} caractères.',
  'discord.button.edit': 'Modifier #{id}',
  'discord.button.withdraw': 'Retirer #{id}',
  'discord.button.shortlist': 'Présélectionner #{id}',
  'discord.button.rank': 'Classer les idées',
  'discord.button.rank.done': 'Envoyer mon classement',
  'discord.ballot.single': 'Choisis ta préférée',
  'discord.ballot.approval': 'Choisis-en jusqu’à {max}',
  'discord.ballot.rank': 'Ton choix numéro {rank}',
  'discord.ballot.ranked-so-far': 'Ton classement pour l’instant : {ranking}. Choisis la suivante, ou envoie-le.',
  'discord.review.none': 'Aucune idée à examiner dans cette catégorie.',
  'discord.campaign.none': 'Aucune campagne ne se déroule ici.',
  'discord.export': 'Les résultats et les idées de « {campaign} » sont en pièce jointe.',
  'discord.warning.permission': '⚠️ Le bot ne peut pas publier dans <#{channel}> : il lui manque une permission (Voir le salon, Envoyer des messages). Les annonces pour ce salon sont perdues tant que ce n’est pas corrigé.',

  'local.welcome': 'cocreate — chat local. Tu es {name} ({roles}) dans « {campaign} ». Tape /help pour les commandes.',
  'local.as': 'Tu es maintenant {name} ({roles}).',
  'local.campaign': 'Campagne en cours : « {title} » ({id}).',
  'local.campaign.list': 'Campagnes chargées : {ids}. Change avec /campaign ID.',
  'local.campaign.unknown': 'Aucune campagne chargée ne s’appelle « {id} ». Chargées : {ids}.',
  'local.no-campaign': 'Aucune campagne n’est chargée : lance cocreate avec un fichier de campagne.',
  'local.help': 'Commandes (l’ID d’une idée est son numéro après #, compté 1 … 9, a … z, 10 … : #a est la dixième idée) :',
  'local.bye': 'À bientôt !',
  'usage': 'Usage : {syntax}',
  'usage.unknown': 'Commande inconnue. Tape /help pour les voir toutes.',
  'usage.as': '/as NOM [fan|curator|manager] — jouer quelqu’un',
  'usage.campaign': '/campaign [ID] — voir ou changer la campagne en cours',
  'usage.status': '/status — phases, échéances et compteurs',
  'usage.propose': '/propose CATÉGORIE "ton idée" — proposer une idée',
  'usage.edit': '/edit ID "nouveau texte" — modifier ton idée',
  'usage.withdraw': '/withdraw ID — retirer ton idée',
  'usage.like': '/like ID — aimer une idée',
  'usage.unlike': '/unlike ID — retirer ton j’aime',
  'usage.proposals': '/proposals [CATÉGORIE] [mine] — lister les idées',
  'usage.reject': '/reject ID raison — rejeter une idée (curateurs)',
  'usage.shortlist': '/shortlist add ID | remove ID | list CATÉGORIE — gérer ou voir la présélection',
  'usage.vote': '/vote CATÉGORIE ID [ID…] — voter (plusieurs ID pour un vote par approbation, par ordre de préférence pour un vote classé)',
  'usage.advance': '/advance [CATÉGORIE] — passer à la phase suivante (responsables)',
  'usage.pause': '/pause [CATÉGORIE] — mettre en pause (responsables)',
  'usage.resume': '/resume [CATÉGORIE] — reprendre (responsables)',
  'usage.extend': '/extend [CATÉGORIE] DURÉE — prolonger la phase en cours, par ex. PT2H (responsables)',
  'usage.tie': '/tie CATÉGORIE ID — départager une égalité (curateurs)',
  'usage.results': '/results [CATÉGORIE] — voir les résultats',
  'usage.help': '/help — cette liste',
  'usage.quit': '/quit — quitter',

  'telegram.command.propose': 'Proposer une idée',
  'telegram.command.mine': 'Tes idées : les modifier ou les retirer',
  'telegram.command.status': 'Phases, échéances et compteurs',
  'telegram.command.shortlist': 'Choisir la présélection (curateurs)',
  'telegram.command.advance': 'Passer à la phase suivante (responsables)',
  'telegram.command.pause': 'Mettre en pause (responsables)',
  'telegram.command.resume': 'Reprendre (responsables)',
  'telegram.command.extend': 'Donner plus de temps à la phase en cours, par ex. /extend PT2H (responsables)',
  'telegram.command.reveal': 'Clore le vote maintenant et révéler les gagnants (responsables)',
  'telegram.command.export': 'Recevoir les idées et les résultats dans un fichier (responsables)',
  'telegram.command.help': 'Comment participer',
  'telegram.help': 'Comment participer à « {title} » :\n/propose — proposer une idée (choisis sa catégorie, puis envoie le texte)\n/mine — tes idées, pour les modifier ou les retirer\n/status — phases, échéances et compteurs\n/mydata — tes données, envoyées en privé ; /forgetme — t’effacer\nQuand le vote ouvre, appuie sur les boutons sous la présélection pour voter.\nCurateurs : /shortlist [CATÉGORIE], /shortlist add ID, /shortlist remove ID\nResponsables : /advance, /pause, /resume, /extend [CATÉGORIE] DURÉE, /reveal, /export',
  'telegram.no-campaign': 'Aucune campagne ne se déroule dans cette discussion.',
  'telegram.propose.pick': 'Pour quelle catégorie est ton idée ?',
  'telegram.propose.none': 'Aucune catégorie ne prend d’idées en ce moment. Tape /status pour voir ce qui est ouvert.',
  'telegram.propose.write': '{name}, envoie ton idée pour « {category} » en réponse à ce message.',
  'telegram.propose.chosen': 'Envoie maintenant ton idée pour « {category} ».',
  'telegram.edit.write': '{name}, envoie le nouveau texte de ton idée #{id} en réponse à ce message.',
  'telegram.edit.chosen': 'Envoie maintenant le nouveau texte de l’idée #{id}.',
  'telegram.button.edit': '✏️ Modifier #{id}',
  'telegram.button.withdraw': '🗑 Retirer #{id}',
  'telegram.button.shortlist.add': '➕ #{id} {text}',
  'telegram.button.shortlist.remove': '➖ #{id} {text}',
  'telegram.button.vote.submit': '✅ Voter',
  'telegram.button.vote.reset': '↺ Recommencer',
  'telegram.shortlist.candidates': 'Appuie sur ➕ pour mettre une idée dans la présélection, sur ➖ pour l’en retirer.',
  'telegram.shortlist.no-candidates': 'Aucune idée à examiner dans « {category} ».',
  'telegram.ballot.single': 'Appuie sur l’idée pour laquelle tu votes (un vote par personne).',
  'telegram.ballot.approval': 'Appuie sur {max} idées au plus, l’une après l’autre, puis sur ✅ Voter.',
  'telegram.ballot.ranked': 'Appuie sur les idées dans ton ordre de préférence, puis sur ✅ Voter.',
  'telegram.ballot.picked': 'Ton choix pour l’instant : {choice}. Appuie sur ✅ Voter pour l’envoyer.',
  'telegram.ballot.empty': 'Appuie d’abord sur une ou plusieurs idées, puis sur ✅ Voter.',
  'telegram.ballot.reset': 'Ton choix est effacé : recommence.',
  'telegram.expired': 'Ce bouton a expiré. Tape la commande à nouveau.',
  'telegram.export.caption': 'Les idées et les résultats de « {title} ».',
  'telegram.export.sent': 'Je t’ai envoyé l’export en message privé.',
  'telegram.export.blocked': 'Je ne peux pas t’écrire en privé : ouvre une discussion avec moi, appuie sur Démarrer, puis réessaie.',
  // ---------------------------------------------------------------- image des résultats et exports
  'reply.export': 'Export de « {campaign} » prêt : {entries}, avec auteurs, likes, présélection et, une fois révélés, les votes.',
  'export.written': 'Export écrit : {path}',
  'chart.title': 'Résultats — {category}',
  'chart.ballots': 'Bulletins : {ballots}',
  'chart.votes': '{votes}',
  'count.idea.one': '{n} idée',
  'count.idea.other': '{n} idées',
  'count.like.one': '{n} j’aime',
  'count.like.other': '{n} j’aime',
  'count.ballot.one': '{n} bulletin',
  'count.ballot.other': '{n} bulletins',
  'count.vote.one': '{n} voix',
  'count.vote.other': '{n} voix',
  'count.entry.one': '{n} idée ou option',
  'count.entry.other': '{n} idées ou options',
  'chart.winner': 'Gagnant',
  'chart.by': 'par {author}',
  'chart.empty': 'Personne n’a voté.',
  'usage.export': '/export — écrit les idées et les résultats en fichiers CSV et JSON (responsables)',

  // ---------------------------------------------------------------- confiance et équité
  'eligibility.banned': 'Tu ne peux pas participer à cette campagne : un curateur t’en a exclu. Contacte les organisateurs si tu penses que c’est une erreur.',
  'eligibility.excluded': 'Tu ne peux pas participer à cette campagne : ses règles excluent ton compte ou l’un de tes rôles.',
  'eligibility.role-required': 'Cette phase est réservée aux membres qui ont un rôle particulier. Demande aux organisateurs comment l’obtenir.',
  'eligibility.account-too-new': 'Ton compte est trop récent pour participer à cette phase. Reviens dans {wait} !',
  'eligibility.member-too-new': 'Tu es arrivé trop récemment pour participer à cette phase. Reviens dans {wait} !',
  'eligibility.unknown': 'Cette phase demande une ancienneté de compte ou de membre qui ne peut pas être vérifiée sur cette plateforme : tu ne peux pas participer d’ici.',
  'rate.limited': 'Doucement ! Tu l’as fait trop souvent en peu de temps. Réessaie dans {wait}.',
  'proposal.category-full': 'Cette catégorie a reçu toutes les idées qu’elle peut accueillir ({max}). Tu peux toujours aimer les idées déjà proposées !',
  'fan.invalid': 'Ce n’est pas un fan : écris PLATEFORME:ID, par exemple discord:123456789012345678 ou telegram:123456789.',
  'wait.seconds': '{n} s',
  'wait.minutes': '{n} min',
  'wait.hours': '{n} h',
  'wait.day': '1 jour',
  'wait.days': '{n} jours',
  'name.refusal.eligibility.banned': 'bannis',
  'name.refusal.eligibility.excluded': 'exclus',
  'name.refusal.eligibility.role-required': 'rôle manquant',
  'name.refusal.eligibility.account-too-new': 'compte trop récent',
  'name.refusal.eligibility.member-too-new': 'arrivée trop récente',
  'name.refusal.eligibility.unknown': 'ancienneté inconnue',
  'name.refusal.rate.limited': 'trop rapide',
  'name.refusal.proposal.category-full': 'catégorie pleine',
  'status.refusals': 'Refus (éligibilité et anti-spam) : {counts}.',
  'status.refusals.none': 'Refus (éligibilité et anti-spam) : aucun.',
  'status.refusal': '{name} {count}',
  'status.durability': 'Durabilité : une réponse à un fan signifie que {ack}.',
  'status.durability.warning': '⚠️ Durabilité : une réponse à un fan signifie que {ack}, mais {risk}.',
  'name.ack.redis': 'Redis l’a reçue (en mémoire, et sur disque si Redis tient un AOF)',
  'name.ack.aof': 'elle est écrite sur disque (l’AOF de Redis, synchronisé)',
  'name.ack.replica': 'une réplique Redis l’a aussi',
  'name.risk.no-ack-possible': 'cela ne peut pas être confirmé pour l’instant (pas de réplique, ou pas d’AOF à attendre) : les fans sont invités à réessayer',
  'name.risk.memory-only': 'Redis ne garde rien sur disque : un plantage de Redis perdrait tous les bulletins',
  'name.risk.snapshots-only': 'Redis ne prend que des instantanés : un plantage perdrait ce qui a suivi le dernier',
  'name.risk.fsync-delayed': 'une coupure de courant pourrait perdre environ la dernière seconde de réponses',
  'name.risk.failover': 'une bascule pourrait perdre les dernières réponses qu’une réplique n’avait pas encore reçues',
  'name.risk.unpersisted-master': 'le maître Redis ne garde rien sur disque : s’il redémarrait de lui-même, il effacerait ses répliques',
  'reply.mydata': 'Tout ce que « {title} » sait de toi : {proposals}, {likes}, {ballots}. Le détail est dans le fichier JSON joint.',
  'reply.mydata.sent': 'Je t’ai envoyé tes données en message privé.',
  'reply.forgetme.confirm': 'Ceci t’efface de « {title} » : tes bulletins dans les votes encore ouverts sont retirés (tu pourras revoter), les bulletins déjà comptés restent sans ton nom, tes j’aime sont retirés ou rendus anonymes, et tes idées restent sans ton nom. C’est définitif. Pour continuer : {how}',
  'reply.forgetme': 'C’est fait : « {title} » ne te connaît plus. Bulletins retirés : {withdrawn} ; gardés anonymement dans les votes clos : {anonymized}. Idées devenues anonymes : {proposals}.',
  'reply.fan.erase': '{fan} est effacé de « {title} ». Bulletins retirés : {withdrawn} ; gardés anonymement : {anonymized}. Idées devenues anonymes : {proposals}.',
  'reply.fan.export': 'Les données de {fan} dans « {title} » : {proposals}, {likes}, {ballots}.',
  'reply.ban': '{fan} est banni de « {title} ».',
  'reply.ban.already': '{fan} était déjà banni.',
  'reply.unban': '{fan} n’est plus banni.',
  'reply.unban.not-banned': '{fan} n’était pas banni.',
  'reply.bans': 'Fans bannis : {count}',
  'reply.bans.line': '• {fan} — {reason}',
  'discord.cmd.mydata': 'Recevoir tout ce que cette campagne sait de toi, en JSON',
  'discord.cmd.forgetme': 'T’effacer de cette campagne',
  'discord.cmd.moderate': 'La liste des bannis (curateurs)',
  'discord.cmd.moderate.ban': 'Bannir un fan de la campagne',
  'discord.cmd.moderate.unban': 'Lever un bannissement',
  'discord.cmd.moderate.bans': 'Voir les fans bannis',
  'discord.cmd.campaign.fan-export': 'Télécharger les données d’un fan en JSON',
  'discord.cmd.campaign.fan-erase': 'Effacer un fan de la campagne',
  'discord.opt.fan': 'Le fan : un identifiant ou une mention de membre, ou PLATEFORME:ID comme telegram:123456789',
  'discord.opt.reason': 'Pourquoi (visible des curateurs)',
  'discord.opt.confirm': 'Choisis « oui, efface-moi » pour confirmer',
  'discord.choice.confirm': 'oui, efface-moi',
  'telegram.command.mydata': 'Tes données dans cette campagne, envoyées en privé',
  'telegram.command.forgetme': 'T’effacer de cette campagne',
  'telegram.mydata.blocked': 'Je ne peux pas t’écrire en privé : ouvre une discussion avec moi, appuie sur Démarrer, puis réessaie.',
  'telegram.command.ban': 'Bannir un fan : /ban ID raison, ou en réponse à son message (curateurs)',
  'telegram.command.unban': 'Lever un bannissement : /unban ID (curateurs)',
  'telegram.command.bans': 'Les fans bannis (curateurs)',
  'telegram.command.fan': 'Les données d’un fan : /fan export|erase PLATEFORME:ID (responsables)',
  'usage.mydata': '/mydata — tout ce que cette campagne sait de toi, en JSON',
  'usage.forgetme': '/forgetme confirm — t’effacer de cette campagne',
  'usage.ban': '/ban NOM|PLATEFORME:ID [raison] — bannir un fan (curateurs)',
  'usage.unban': '/unban NOM|PLATEFORME:ID — lever un bannissement (curateurs)',
  'usage.bans': '/bans — les fans bannis (curateurs)',
  'usage.fan': '/fan export|erase NOM|PLATEFORME:ID — les données d’un fan, ou l’effacer (responsables)',
  // ---------------------------------------------------------------- confiance : résultats cachés, reçus
  'status.line.hidden': '• « {category} » : {phase} · idées : {proposals} · bulletins : cachés jusqu’à la fin du vote',
  'receipt.none': 'Tu n’as pas de bulletin ici, donc pas de reçu à te donner. Vote d’abord, puis redemande.',
  'reply.receipt.header': 'Tes reçus de vote (toi seul les vois) :',
  'reply.receipt.item': '« {category} » : {choice}\nReçu : {hash}',
  'reply.receipt.revealed': 'Retrouve ton reçu dans le manifeste des résultats de « {category} » (empreinte des bulletins {digest}).',
  'reply.receipt.pending': 'Après la révélation, retrouve ton reçu dans le manifeste des résultats : il prouve que ton bulletin a été compté tel quel.',
  'usage.receipt': '/receipt [CATÉGORIE] — le reçu de ton bulletin, à retrouver dans le manifeste des résultats',
  'discord.cmd.receipt': 'Le reçu de ton bulletin, à retrouver dans le manifeste des résultats',
  'telegram.command.receipt': 'Le reçu de ton bulletin (envoyé en privé)',
  'telegram.receipt.sent': 'Je t’ai envoyé ton reçu en message privé.',
  'event.results.digest': 'Empreinte des bulletins (voir le manifeste des résultats) : {digest}',
  'event.results.sealed': 'Bulletins de « {category} » scellés : {ballots}. Empreinte des bulletins (voir le manifeste des résultats) : {digest}',
};

/** Both catalogs, for tests and tools; render through `t` or `messageTokens`. */
export const CATALOGS: { readonly [L in Locale]: Catalog } = { en, fr };

// Every refusal code has a message: a missing one is a compile error here.
const refusalsCovered: { readonly [C in RefusalCode]: string } = en;
void refusalsCovered;

type PlaceholdersOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | PlaceholdersOf<Rest> : never;

/** The placeholder names of a message (from the English reference catalog). */
export type Placeholder<K extends MessageKey> = PlaceholdersOf<(typeof en)[K]>;

/** The parameters a message needs, each of type `V`. */
export type MessageParams<K extends MessageKey, V> = { readonly [P in Placeholder<K>]: V };

/** The parameter list of a message: nothing when it has no placeholder, else its parameters. */
export type ParamArgs<K extends MessageKey, V> = [Placeholder<K>] extends [never] ? [] : [params: MessageParams<K, V>];

/**
 * A template cut into literal text and placeholders. `within` names the quotes a placeholder
 * sits in (`« {category} »`, `“{category}”`): its value's own quotes are then written one
 * level down (see `nestQuotes`), so a quoted title never shows `« … « … » »`.
 */
export type Token = string | { readonly placeholder: string; readonly within?: Quote };

/** The opening quote of a quoted placeholder: French guillemets or English double quotes. */
export type Quote = '«' | '“';

const PLACEHOLDER = /\{(\w+)\}/g;
const tokenCache = new Map<string, readonly Token[]>();

/** The template of `key` in `locale`, cut into literal text and `{placeholder}` tokens, in order. */
export function messageTokens(locale: Locale, key: MessageKey): readonly Token[] {
  const template = CATALOGS[locale][key];
  let tokens = tokenCache.get(template);
  if (tokens === undefined) {
    tokens = splitTemplate(template);
    tokenCache.set(template, tokens);
  }
  return tokens;
}

// An opening quote right before a placeholder (French puts a space inside its guillemets)…
const OPENS = /(«|“)[ \u00a0\u202f]?$/u;
// …and the matching closing quote right after it.
const CLOSING: { readonly [Q in Quote]: RegExp } = { '«': /^[ \u00a0\u202f]?»/u, '“': /^”/u };

function splitTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, match.index);
    if (before.length > 0) tokens.push(before);
    const end = match.index + match[0].length;
    const opening = OPENS.exec(template.slice(0, match.index))?.[1] as Quote | undefined;
    const within = opening !== undefined && CLOSING[opening].test(template.slice(end)) ? opening : undefined;
    tokens.push({ placeholder: match[1] ?? '', ...(within ? { within } : {}) });
    last = end;
  }
  if (last < template.length) tokens.push(template.slice(last));
  return tokens;
}

/**
 * A value shown inside `within` quotes, with its own quotes one level down, as typography
 * nests them: French « … » inside guillemets become “…”, English “…” inside double quotes
 * become ‘…’. `Le « super » méchant` in `« {category} »` reads `« Le “super” méchant »`.
 */
export function nestQuotes(text: string, within: Quote): string {
  if (within === '«') return text.includes('«') || text.includes('»') ? text.replace(/«[ \u00a0\u202f]*/gu, '“').replace(/[ \u00a0\u202f]*»/gu, '”') : text;
  return text.includes('“') || text.includes('”') ? text.replaceAll('“', '‘').replaceAll('”', '’') : text;
}

/** Shown where a parameter is missing at run time (a refusal whose params the engine omitted). */
export const MISSING_PARAM = '…';

/** Nouns counted in messages; each has a `count.NOUN.one` and a `count.NOUN.other` form. */
export type CountNoun = 'idea' | 'like' | 'ballot' | 'vote' | 'entry';

const pluralRules: { readonly [L in Locale]: Intl.PluralRules } = { en: new Intl.PluralRules('en'), fr: new Intl.PluralRules('fr') };

/**
 * `n` and its noun as the locale says them: `1 vote`, `2 votes`, `0 votes` in English;
 * `0 bulletin`, `1 bulletin`, `2 bulletins` in French (Intl.PluralRules picks the form).
 */
export function formatCount(locale: Locale, noun: CountNoun, n: number): string {
  const form = pluralRules[locale].select(n) === 'one' ? 'one' : 'other';
  return t(locale, `count.${noun}.${form}` as 'count.idea.one', { n });
}

/** A number written the way the locale writes it (`1,234` / `1 234`). */
export function formatNumber(value: number, locale: Locale): string {
  return value.toLocaleString(locale);
}

/** A scalar parameter as text: numbers in the locale's format, strings as they are. */
export function formatScalar(value: string | number | undefined, locale: Locale): string {
  if (value === undefined) return MISSING_PARAM;
  return typeof value === 'number' ? formatNumber(value, locale) : value;
}

/**
 * The message `key` in `locale` with its placeholders filled. Only for trusted parameters:
 * fan text goes through src/render, which escapes it per platform.
 */
export function t<K extends MessageKey>(locale: Locale, key: K, ...args: ParamArgs<K, string | number>): string {
  const params: Readonly<Record<string, string | number>> = args[0] ?? {};
  return messageTokens(locale, key)
    .map((token) => {
      if (typeof token === 'string') return token;
      const value = formatScalar(params[token.placeholder], locale);
      return token.within ? nestQuotes(value, token.within) : value;
    })
    .join('');
}

const dateFormats: { readonly [L in Locale]: Intl.DateTimeFormat } = {
  en: dateFormat('en'),
  fr: dateFormat('fr'),
};

function dateFormat(locale: Locale): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit',
    timeZone: 'UTC', timeZoneName: 'short',
  });
}

/**
 * An instant (UTC epoch ms) as the locale writes it, in UTC with the zone shown, e.g.
 * `February 18, 2013 at 08:00 AM UTC` / `18 février 2013 à 08:00 UTC`.
 */
export function formatDate(epochMs: number, locale: Locale): string {
  // Never throws: a value no `Date` can hold (a corrupt or hostile deadline) is shown as it is.
  if (!Number.isFinite(epochMs) || Math.abs(epochMs) > MAX_DATE_MS) return t(locale, 'date.invalid', { value: String(epochMs) });
  return dateFormats[locale].format(epochMs);
}

/** The largest |epoch ms| a JS `Date` (and so `Intl`) holds. */
const MAX_DATE_MS = 8.64e15;
