/**
 * The steps of a chat answer that are the same on every platform: which categories take
 * ideas now, moving categories on from the phase a manager saw, the files of an export or of
 * a fan's data, the explanation before an erasure. Each platform shows their outcome its way.
 */
import type { CategorySpec, Phase } from '../model/campaign';
import type { CommandResult, ExportDocument, PhaseChange, Success } from '../engine/commands';
import { refuse } from '../model/refusals';
import { t } from '../i18n/messages';
import { exportCsv, exportFileName, exportJson } from '../render/export-files';
import type { ChatScope } from './directory';
import type { CommandBody, CommandRunner } from './runner';
import { inCampaign } from './runner';

/** A file to give to someone: its name and its UTF-8 text. */
export interface ChatFile {
  readonly name: string;
  readonly text: string;
}

/** Runs `body` in the scope's campaign as the scope's actor. */
export function runIn(runner: CommandRunner, scope: ChatScope, body: CommandBody): Promise<CommandResult> {
  return runner.execute(inCampaign(body, scope.campaign.id), scope.actor);
}

/**
 * The categories of the scope's campaign whose phase is `phase` now and that run (not paused),
 * by the engine's status, in campaign order; with `ideas`, only those that take ideas (not a
 * vote among fixed options). Empty when the status is refused.
 */
export async function categoriesIn(runner: CommandRunner, scope: ChatScope, phase: Phase, options: { ideas: boolean; running: boolean }): Promise<{ index: number; spec: CategorySpec }[]> {
  const status = await runIn(runner, scope, { type: 'status' });
  if (!status.ok || status.type !== 'status') return [];
  const now = new Set(status.categories.filter((c) => c.phase === phase && (!options.running || !c.paused)).map((c) => c.id));
  return scope.campaign.categories
    .map((spec, index) => ({ spec, index }))
    .filter((c) => now.has(c.spec.id) && !(options.ideas && c.spec.options));
}

/** The roles the engine gives the scope's actor in its campaign (from its status answer). */
export async function rolesIn(runner: CommandRunner, scope: ChatScope): Promise<readonly string[]> {
  const status = await runIn(runner, scope, { type: 'status' });
  return status.ok && status.type === 'status' ? status.roles : [];
}

type Advance = Extract<CommandBody, { type: 'advance' }>;

/**
 * A manager's advance: each selected category (the one named, else all) is moved on from the
 * phase the status showed, as a strict compare-and-set, so that a command racing the scheduled
 * transition moves a category once, not twice. With `from` (a reveal), only categories in that
 * phase move. Answers the changes, or the last refusal when nothing moved.
 */
export async function advanceFromSeen(runner: CommandRunner, scope: ChatScope, advance: Advance): Promise<CommandResult> {
  const status = await runIn(runner, scope, { type: 'status' });
  if (!status.ok || status.type !== 'status') return status;
  const { categoryId } = advance;
  const only = advance.from ?? null;
  if (categoryId !== undefined && !scope.campaign.categories.some((c) => c.id === categoryId)) return refuse('category.unknown', { category: categoryId });
  const selected = (status as Extract<Success, { type: 'status' }>).categories
    .filter((c) => (categoryId === undefined || c.id === categoryId) && c.phase !== 'reveal' && (only === null || c.phase === only));
  const changes: PhaseChange[] = [];
  let refusal: CommandResult = refuse(only === 'vote' ? 'phase.closed' : 'phase.final');
  for (const c of selected) {
    const result = await runIn(runner, scope, { type: 'advance', categoryId: c.id, from: c.phase });
    if (result.ok && result.type === 'advance') changes.push(...result.changes);
    else if (!result.ok) refusal = result;
  }
  return changes.length > 0 ? { ok: true, type: 'advance', changes } : refusal;
}

/** The JSON file of a fan's data (`/mydata`, a manager's fan export). */
export function fanDataFile(result: Extract<Success, { type: 'mydata' | 'fan.export' }>, scope: ChatScope): ChatFile {
  return { name: `${scope.campaign.id}-${result.fan.replace(/[^a-z0-9-]/gi, '-')}.json`, text: `${JSON.stringify(result.data, null, 2)}\n` };
}

/** A manager's export: the CSV (for spreadsheets), then the JSON document. */
export function exportFiles(doc: ExportDocument): readonly ChatFile[] {
  return [
    { name: exportFileName(doc, 'csv'), text: exportCsv(doc) },
    { name: exportFileName(doc, 'json'), text: exportJson(doc) },
  ];
}

/** What `/forgetme` erases, and how to confirm it (`how`: the platform's way to type the confirmation). */
export function forgetMeExplanation(scope: ChatScope, how: string): string {
  return t(scope.locale, 'reply.forgetme.confirm', { title: scope.campaign.title, how });
}
