/**
 * What `cocreate --help` and `cocreate COMMAND --help` print. Kept apart from the commands so
 * that asking for help loads nothing else.
 */

/** Each subcommand's own usage, printed by `cocreate COMMAND --help` and after a usage mistake. */
export const USAGES = {
  validate: `Usage: cocreate validate FILE…

Checks campaign files (.yaml, .yml or .json). Prints "ok FILE" for each valid file and exits 0;
otherwise prints one line per problem, "FILE:LINE:COL path.to.key: message", and exits 1.
`,
  run: `Usage: cocreate run [FILE…] [--from-now] [--allow-past]

Runs the bot. Without FILE, the campaigns of COCREATE_CAMPAIGNS (default: the Crunch campaign).
Platforms: each one whose token is set (DISCORD_TOKEN, TELEGRAM_BOT_TOKEN); the local terminal
chat when none is. Store: Redis when REDIS_URL is set, else the embedded memory store, saved to
COCREATE_DATA_DIR when the chat ends. The store keeps each campaign's definition, so that
results, recount, verify and audit need no file.

Options:
  --from-now    move the schedule so that the first phase opens now (to try a past campaign);
                a session the embedded store saved in COCREATE_DATA_DIR is resumed instead
  --allow-past  start a campaign whose phases are all over (its results are announced at once)
`,
  simulate: `Usage: cocreate simulate FILE --fans N [--seed S] [--json] [--no-save] [--redis URL]

Plays the whole campaign in virtual time with a synthetic crowd (a progress bar on a terminal),
then prints the winners table, or with --json the results document. The same seed gives the
same results.

Options:
  --fans N      synthetic fans, 1 to 10000000 (default 1000)
  --seed S      seed of the crowd (default "cocreate")
  --json        print the results document (as \`cocreate results\` prints it)
  --no-save     keep nothing (by default the played campaign is saved for results and recount)
  --redis URL   play it on this Redis and keep it there (refused if the campaign has state there)
`,
  results: `Usage: cocreate results ID [--format json|csv|manifest] [--no-ballots] [--chart DIR] [--file FILE]

The results of a stored campaign: from Redis when REDIS_URL is set, else from the embedded
store's saved state (COCREATE_DATA_DIR).

Options:
  --format F    json (default: the results document with every entry), csv (one line per idea
                or option) or manifest (the verifiable results)
  --no-ballots  a manifest without the hashed ballots
  --chart DIR   also write the results picture of each revealed category to DIR/ID-CATEGORY.png
  --file FILE   the campaign's file, instead of the definition the store keeps
`,
  recount: `Usage: cocreate recount ID [--file FILE]

Recomputes every tally of a stored campaign from the raw ballots, one line per category; exits 1
if any differs from the incremental tally.

Options:
  --file FILE   the campaign's file, instead of the definition the store keeps
`,
  verify: `Usage: cocreate verify MANIFEST [--file FILE]

Checks a results manifest (cocreate results ID --format manifest) against the store: recounts
each category, recomputes the fan hashes and the digest, replays the count. One line per
category (ok or DIFFERS: …); exits 1 if anything differs.

Options:
  --file FILE   the campaign's file, instead of the definition the store keeps
`,
  audit: `Usage: cocreate audit ID [--json] [--file FILE]

The audit log of a stored campaign: every manager and curator action with its actor, time and
the state before and after, one line each.

Options:
  --json        the entries as JSON
  --file FILE   the campaign's file, instead of the definition the store keeps
`,
  discord: `Usage: cocreate discord register-commands [--guild ID]

Registers the bot's slash commands on one Discord server (immediate) or globally. Needs
DISCORD_TOKEN; the application id comes from DISCORD_APPLICATION_ID or is asked from Discord.
`,
  fan: `Usage: cocreate fan export|erase PLATFORM:ID [--campaign ID]

Fans' data rights, for managers: export prints the fan's data as one JSON document per
campaign; erase erases the fan. Every stored campaign unless --campaign.
`,
  rehearse: `Usage: cocreate rehearse FILE [--fans N] [--rate R] [--warmup W] [--only discord|telegram] [--telegram polling|webhook] [--json]

Replays a surge of N fans voting at R per second (default 1000 at 500/s) through the real
adapters against local stand-ins of Discord and Telegram, on the Redis of REDIS_URL (or
127.0.0.1:6379) under a prefix of its own deleted afterwards, after W early fans at 200/s
(default N/10, at most 2000; 0: a cold start). Exits 1 when a ballot is lost, the p99
acknowledgement reaches 3 s, or a 429 was met.
`,
  schema: `Usage: cocreate schema

Prints the JSON Schema of campaign files (generated from the same zod schema validate uses),
for editors: put "# yaml-language-server: $schema=PATH" on a campaign file's first line, PATH
being node_modules/cocreate/schema/campaign.schema.json or a file this command wrote.
`,
  init: `Usage: cocreate init [FILE] [--yes] [options]

Asks the few questions a campaign needs and writes a campaign file that validates (default
campaigns/ID.yaml; never over an existing file unless --force). Each option answers one question;
with --yes, questions not answered by an option take their default and nothing is asked (for CI).

Options:
  --title TEXT             the campaign's title
  --id ID                  its id (lowercase letters, digits, hyphens; default: from the title)
  --locale fr|en           the language of the bot's messages (default fr)
  --category TITLE         a category (repeat it for several; default one "Ideas" category)
  --start INSTANT          when proposals open, ISO 8601 with an offset (default: next Monday 09:00 UTC)
  --propose DURATION       how long proposals last (default P2W)
  --shortlist DURATION     how long curators take to shortlist (default P3D)
  --vote DURATION          how long the vote lasts (default P1W)
  --method single|approval|ranked
                           the vote method (default single)
  --max-choices N          choices per ballot for approval (default 3)
  --discord GUILD/CHANNEL  a Discord server and channel id (repeatable)
  --telegram=CHAT          a Telegram chat id (repeatable; write the = before a negative id)
  --force                  overwrite FILE if it exists
  --yes                    ask nothing: defaults for what no option answers
`,
} as const;

export type CommandName = keyof typeof USAGES;

/** `cocreate --help`: one summary line per subcommand. */
export const USAGE = `Usage: cocreate <command> [options]     (cocreate <command> --help: that command's usage)

  init [FILE] [--yes]                     write a new campaign file from a few questions
  validate FILE…                          check campaign files; one "ok" line per valid file
  schema                                  print the JSON Schema of campaign files (for editors)
  run [FILE…] [--from-now] [--allow-past] run the bot (the local terminal chat when no platform token is set)
  simulate FILE --fans N [--seed S] [--json] [--redis URL]
                                          play the whole campaign in virtual time with a synthetic crowd
  results ID [--format json|csv|manifest] [--no-ballots] [--chart DIR]
                                          the results of a campaign from the store (CSV: one line per idea;
                                          manifest: the verifiable results); --chart writes one PNG per
                                          revealed category into DIR
  recount ID                              recount every tally from the raw ballots; exit 1 if any differs
  verify MANIFEST                         recount from the store and check a results manifest; exit 1 if anything differs
  audit ID [--json]                       the audit log: every manager and curator action
  discord register-commands [--guild ID]  register the Discord slash commands (on one server, else globally)
  fan export|erase PLATFORM:ID [--campaign ID]
                                          a fan's data as JSON, or erase the fan (every stored campaign by default)
  rehearse FILE [--fans N] [--rate R] [--warmup W] [--only discord|telegram] [--telegram webhook|polling] [--json]
                                          replay a surge through the real adapters against local stand-ins
                                          of Discord and Telegram, on Redis
`;
