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
import type { RefusalCode } from '../engine/codes';
import type { Locale } from '../engine/model';

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
  'proposal.limit': 'You have reached the limit of {max} ideas in this category. Withdraw one to propose another.',
  'proposal.unknown': 'There is no such idea. Check its number with /proposals.',
  'proposal.not-owner': 'This idea is not yours: only its author can edit or withdraw it.',
  'proposal.not-active': 'This idea is no longer active (withdrawn, rejected or in review), so that is not possible.',
  'like.already': 'You already like this idea.',
  'like.not-liked': 'You had not liked this idea, so there is nothing to undo.',
  'like.own': 'You cannot like your own idea — share it with your friends instead!',
  'shortlist.full': 'The shortlist of this category is full ({max} ideas). Remove one first.',
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
  'store.unavailable': 'We could not record that right now; nothing was saved — please try again in a moment.',

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

  // ---------------------------------------------------------------- local terminal chat
  'local.welcome': 'cocreate — local chat. You are {name} ({roles}) in “{campaign}”. Type /help for the commands.',
  'local.as': 'You are now {name} ({roles}).',
  'local.campaign': 'Current campaign: “{title}” ({id}).',
  'local.campaign.list': 'Loaded campaigns: {ids}. Switch with /campaign ID.',
  'local.campaign.unknown': 'No loaded campaign is called “{id}”. Loaded: {ids}.',
  'local.no-campaign': 'No campaign is loaded: start cocreate with a campaign file.',
  'local.help': 'Commands:',
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
  'proposal.limit': 'Tu as atteint la limite de {max} idées dans cette catégorie. Retires-en une pour en proposer une autre.',
  'proposal.unknown': 'Cette idée n’existe pas. Vérifie son numéro avec /proposals.',
  'proposal.not-owner': 'Cette idée n’est pas la tienne : seul son auteur peut la modifier ou la retirer.',
  'proposal.not-active': 'Cette idée n’est plus active (retirée, rejetée ou en examen) : ce n’est plus possible.',
  'like.already': 'Tu aimes déjà cette idée.',
  'like.not-liked': 'Tu n’avais pas aimé cette idée : rien à annuler.',
  'like.own': 'Tu ne peux pas aimer ta propre idée — partage-la plutôt avec tes amis !',
  'shortlist.full': 'La présélection de cette catégorie est complète ({max} idées). Retires-en une d’abord.',
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
  'store.unavailable': 'Impossible d’enregistrer cela pour l’instant ; rien n’a été enregistré — réessaie dans un moment.',

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

  'local.welcome': 'cocreate — chat local. Tu es {name} ({roles}) dans « {campaign} ». Tape /help pour les commandes.',
  'local.as': 'Tu es maintenant {name} ({roles}).',
  'local.campaign': 'Campagne en cours : « {title} » ({id}).',
  'local.campaign.list': 'Campagnes chargées : {ids}. Change avec /campaign ID.',
  'local.campaign.unknown': 'Aucune campagne chargée ne s’appelle « {id} ». Chargées : {ids}.',
  'local.no-campaign': 'Aucune campagne n’est chargée : lance cocreate avec un fichier de campagne.',
  'local.help': 'Commandes :',
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

/** A template cut into literal text and placeholders. */
export type Token = string | { readonly placeholder: string };

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

function splitTemplate(template: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (match.index > last) tokens.push(template.slice(last, match.index));
    tokens.push({ placeholder: match[1] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < template.length) tokens.push(template.slice(last));
  return tokens;
}

/** Shown where a parameter is missing at run time (a refusal whose params the engine omitted). */
export const MISSING_PARAM = '…';

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
    .map((token) => (typeof token === 'string' ? token : formatScalar(params[token.placeholder], locale)))
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
  return dateFormats[locale].format(epochMs);
}
