/**
 * The PhaseScheduler contract: every implementation runs this same suite through its runner
 * file. Jobs are a few hundred milliseconds apart, so an implementation on real time can
 * run it too (its `advance` sleeps).
 */
import type { Clock } from '../../src/ports/clock';
import type { JobHandler, PhaseJob, PhaseScheduler } from '../../src/ports/phase-scheduler';

export interface SchedulerHarnessOptions {
  /** The implementation reports each handler rejection here. */
  readonly onError: (error: unknown, job: PhaseJob) => void;
}

export interface SchedulerHarness {
  readonly scheduler: PhaseScheduler;
  /** The clock the scheduler fires by. */
  readonly clock: Clock;
  /** Lets `ms` pass on that clock, and the handlers fired meanwhile settle. */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

export function describeSchedulerContract(name: string, factory: (options: SchedulerHarnessOptions) => Promise<SchedulerHarness>): void {
  describe(`PhaseScheduler contract: ${name}`, () => {
    let h: SchedulerHarness;
    let scheduler: PhaseScheduler;
    let fired: { id: string; at: number; version: number; firedAt: number }[];
    let errors: { error: unknown; job: PhaseJob }[];
    let t0: number;
    let prefix: string;
    let n = 0;

    beforeEach(async () => {
      fired = [];
      errors = [];
      prefix = `sched-${Date.now().toString(36)}-${++n}`;
      h = await factory({ onError: (error, job) => errors.push({ error, job }) });
      scheduler = h.scheduler;
      t0 = h.clock.now();
    });

    afterEach(async () => {
      await h.cleanup();
    });

    const record: JobHandler = async (job) => {
      fired.push({ id: job.id.slice(prefix.length + 1), at: job.at, version: job.version, firedAt: h.clock.now() });
    };

    function job(id: string, offset: number, version = 1): PhaseJob {
      return { id: `${prefix}.${id}`, campaignId: prefix, categoryId: 'cat', kind: 'phase.due', from: 'propose', version, at: t0 + offset };
    }

    const firedIds = () => fired.map((f) => f.id);
    const pendingIds = async () => (await scheduler.pending()).map((j) => j.id.slice(prefix.length + 1));

    it('fires a job once, at its time and not before', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('a', 300));
      await h.advance(150);
      // On a real clock a loaded machine can spend more than 150 ms in start and schedule; "not before"
      // is then judged by firedAt below, and the early check only while the job is not yet due.
      if (h.clock.now() < t0 + 300) expect(fired).toEqual([]);
      await h.advance(300);
      expect(firedIds()).toEqual(['a']);
      expect(fired[0]!.firedAt).toBeGreaterThanOrEqual(t0 + 300);
      await h.advance(300);
      expect(firedIds()).toEqual(['a']);
    });

    it('hands the job as scheduled to the handler', async () => {
      const jobs: PhaseJob[] = [];
      await scheduler.start(async (j) => void jobs.push(j));
      await scheduler.schedule(job('a', 100, 7));
      await h.advance(300);
      expect(jobs).toEqual([job('a', 100, 7)]);
    });

    it('fires jobs in time order', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('late', 450));
      await scheduler.schedule(job('early', 150));
      await scheduler.schedule(job('middle', 300));
      await h.advance(700);
      expect(firedIds()).toEqual(['early', 'middle', 'late']);
    });

    it('replaces a pending job scheduled again with the same id', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('a', 150, 1));
      await scheduler.schedule(job('a', 400, 2));
      await h.advance(250);
      expect(fired).toEqual([]);
      await h.advance(400);
      expect(fired.map((f) => [f.id, f.version])).toEqual([['a', 2]]);
    });

    it('fires a job moved earlier at its new time, once', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('a', 600, 1));
      await scheduler.schedule(job('a', 150, 2));
      await h.advance(350);
      expect(fired.map((f) => [f.id, f.version])).toEqual([['a', 2]]);
      await h.advance(500);
      expect(firedIds()).toEqual(['a']);
    });

    it('never fires a cancelled job', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('a', 150));
      await scheduler.schedule(job('b', 200));
      await scheduler.cancel(`${prefix}.a`);
      await scheduler.cancel(`${prefix}.unknown`);
      await h.advance(400);
      expect(firedIds()).toEqual(['b']);
    });

    it('fires the jobs already due when it starts', async () => {
      await scheduler.schedule(job('past', -1000));
      await scheduler.schedule(job('soon', 100));
      await h.advance(300);
      expect(fired).toEqual([]);
      await scheduler.start(record);
      await h.advance(0);
      await h.advance(100);
      expect(firedIds()).toEqual(['past', 'soon']);
    });

    it('fires at once a job scheduled for a time already past', async () => {
      await scheduler.start(record);
      await h.advance(200);
      await scheduler.schedule(job('missed', 50));
      await h.advance(100);
      expect(firedIds()).toEqual(['missed']);
    });

    it('lists the jobs not fired yet', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('b', 450));
      await scheduler.schedule(job('a', 150));
      await scheduler.schedule(job('c', 600));
      await scheduler.cancel(`${prefix}.c`);
      expect((await pendingIds()).sort()).toEqual(['a', 'b']);
      expect((await scheduler.pending()).find((j) => j.id.endsWith('.b'))).toEqual(job('b', 450));
      await h.advance(300);
      expect(await pendingIds()).toEqual(['b']);
    });

    it('reports a handler that rejects and keeps firing later jobs', async () => {
      const failure = new Error('store down');
      await scheduler.start(async (j) => {
        if (j.id.endsWith('.bad')) throw failure;
        await record(j);
      });
      await scheduler.schedule(job('bad', 100));
      await scheduler.schedule(job('good', 300));
      await h.advance(500);
      expect(firedIds()).toEqual(['good']);
      expect(errors).toHaveLength(1);
      expect(errors[0]!.job.id).toBe(`${prefix}.bad`);
      expect(String(errors[0]!.error)).toContain('store down');
    });

    it('fires a job scheduled again from its own handler', async () => {
      let runs = 0;
      await scheduler.start(async (j) => {
        await record(j);
        if (++runs === 1) await scheduler.schedule({ ...j, at: t0 + 400, version: 2 });
      });
      await scheduler.schedule(job('again', 100));
      await h.advance(250);
      await h.advance(400);
      expect(fired.map((f) => [f.id, f.version])).toEqual([
        ['again', 1],
        ['again', 2],
      ]);
    });

    it('fires nothing after close', async () => {
      await scheduler.start(record);
      await scheduler.schedule(job('a', 200));
      await scheduler.close();
      await h.advance(400);
      expect(fired).toEqual([]);
    });
  });
}
