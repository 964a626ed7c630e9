/**
 * The phase gate: a store write names the phase it needs, and the store applies it only while
 * the category is in that phase (checked in the same atomic step as the write).
 */
import type { CategorySpec, Phase } from '../../model/campaign';
import type { Gate } from '../../ports/campaign-store';
import type { EngineContext } from './context';

/** The gate for a write allowed only in `phase`, at the engine's current time. */
export function gate(ctx: EngineContext, phase: Phase): Gate {
  return { phase, now: ctx.deps.clock.now() };
}

/** Whether ballot counts may be shown: after the reveal, or while voting when the campaign opts into live counts. */
export function countsShown(category: CategorySpec, phase: Phase): boolean {
  return phase === 'reveal' || category.vote.liveCounts === true;
}
