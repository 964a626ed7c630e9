/**
 * PhaseScheduler: fires a job at a given time, once. The engine schedules the end of each
 * phase and each reminder; when a job fires the engine re-checks the state, so a job that
 * fires late, twice, or after a manager already moved the phase changes nothing.
 */
import type { Phase } from '../model/campaign';

export interface PhaseJob {
  /** Deterministic: the same id names the same job; scheduling it again replaces its time. */
  readonly id: string;
  readonly campaignId: string;
  readonly categoryId: string;
  /** `retention.purge`: purges a revealed category's raw fan data. */
  readonly kind: 'phase.due' | 'reminder' | 'retention.purge';
  /** The phase the job expects the category to be in. */
  readonly from: Phase;
  /** The category state version the job was scheduled for. */
  readonly version: number;
  /** UTC epoch ms. */
  readonly at: number;
  /** Reminders: how long before the phase's deadline (which reminder of the campaign file). */
  readonly beforeMs?: number;
}

export type JobHandler = (job: PhaseJob) => Promise<void>;

export interface PhaseScheduler {
  /** Schedules `job`; a job with the same id that has not fired yet is replaced. */
  schedule(job: PhaseJob): Promise<void>;
  cancel(jobId: string): Promise<void>;
  /** Starts firing due jobs through `handler` (jobs already due fire at once). */
  start(handler: JobHandler): Promise<void>;
  /** Jobs scheduled and not yet fired (for status and tests). */
  pending(): Promise<PhaseJob[]>;
  close(): Promise<void>;
}

/** The deterministic id of a category's job (no `:`, which BullMQ reserves). */
export function phaseJobId(campaignId: string, categoryId: string, kind: PhaseJob['kind'], from: Phase): string {
  return `${campaignId}.${categoryId}.${kind}.${from}`;
}

/** The deterministic id of one reminder of a category's phase (one job per declared reminder). */
export function reminderJobId(campaignId: string, categoryId: string, phase: Phase, beforeMs: number): string {
  return `${phaseJobId(campaignId, categoryId, 'reminder', phase)}.${beforeMs}`;
}
