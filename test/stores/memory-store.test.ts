// What MemoryCampaignStore promises beyond the CampaignStore contract (test/contract/store.contract.ts).
import type { Ballot } from '../../src/model/records';
import { MemoryOutbox } from '../../src/outbox/memory-outbox';
import type { CampaignStore, Gate, NewProposal } from '../../src/ports/campaign-store';
import { MemoryCampaignStore } from '../../src/stores/memory/memory-store';

const T0 = Date.parse('2013-02-18T08:00:00Z');
const END = T0 + 7 * 24 * 3600 * 1000;
const C = 'crunch';
const proposing: Gate = { phase: 'propose', now: T0 + 1 };
const voting: Gate = { phase: 'vote', now: T0 + 1 };

const newStore = () => new MemoryCampaignStore({ outbox: new MemoryOutbox() });
const fanProposal = (fan: string, text: string): NewProposal => ({
  categoryId: 'line',
  text,
  normalized: text.toLowerCase(),
  authorKey: `discord:${fan}`,
  authorName: fan,
  platform: 'discord',
  createdAt: T0,
});

async function ballots(store: CampaignStore, categoryId: string): Promise<Ballot[]> {
  const all: Ballot[] = [];
  for await (const batch of store.scanBallots(C, categoryId)) all.push(...batch);
  return all;
}

async function everything(store: CampaignStore) {
  return {
    states: await store.getStates(C),
    proposals: await store.listProposals(C, 'line'),
    shortlist: await store.getShortlist(C, 'flavour'),
    tally: await store.getTally(C, 'flavour'),
    ballots: await ballots(store, 'flavour'),
    results: await store.getResults(C, 'flavour'),
  };
}

describe('MemoryCampaignStore snapshots', () => {
  it('keeps the campaign definition through a snapshot, and a snapshot without one restores none', async () => {
    const original = newStore();
    await original.initCampaign(C, [{ id: 'line', deadline: T0 }], T0);
    const bare = JSON.parse(JSON.stringify(original.snapshot(C)));
    await original.saveDefinition(C, '{"format":1}');
    const restored = newStore();
    restored.restore(C, JSON.parse(JSON.stringify(original.snapshot(C))));
    expect(await restored.getDefinition(C)).toBe('{"format":1}');
    restored.restore(C, bare);
    expect(await restored.getDefinition(C)).toBeNull();
  });

  it('restores from JSON a campaign that answers as the original did', async () => {
    const original = newStore();
    await original.initCampaign(C, [{ id: 'line', deadline: T0 }, { id: 'flavour', deadline: T0, options: ['A', 'B'] }], T0);
    await original.transition({ campaignId: C, categoryId: 'line', from: 'pending', to: 'propose', deadline: END, events: [] });
    await original.transition({ campaignId: C, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: END, events: [] });
    const kept = await original.addProposal(proposing, C, fanProposal('ana', 'Kept'), 1);
    const gone = await original.addProposal(proposing, C, fanProposal('bob', 'Gone'), 1);
    if (!kept.ok || !gone.ok) throw new Error('setup');
    await original.like(proposing, C, kept.proposal.id, 'discord:cyd');
    await original.withdrawProposal(proposing, C, gone.proposal.id, 'discord:bob');
    const [a, b] = (await original.getShortlist(C, 'flavour')).map((p) => p.id);
    await original.castBallot(voting, C, 'flavour', { voterKey: 'telegram:1', choice: [a!] }, { allowChange: true, tallied: true });
    await original.castBallot(voting, C, 'flavour', { voterKey: 'telegram:2', choice: [b!] }, { allowChange: true, tallied: true });
    await original.saveResults(C, { categoryId: 'flavour', ballots: 2, tally: { [a!]: 1, [b!]: 1 }, winners: [], tieBreak: 'earliest', revealedAt: END }, [], false);

    const restored = newStore();
    restored.restore(C, JSON.parse(JSON.stringify(original.snapshot(C))));

    expect(await everything(restored)).toEqual(await everything(original));
    expect(await restored.listCampaigns()).toEqual([C]);
    expect(await restored.like(proposing, C, kept.proposal.id, 'discord:cyd')).toEqual({ ok: false, code: 'like.already' });
    expect(await restored.addProposal(proposing, C, fanProposal('ana', 'Other'), 1)).toEqual({ ok: false, code: 'proposal.limit' });
    expect(await restored.addProposal(proposing, C, fanProposal('dan', 'KEPT'), 1)).toEqual({ ok: false, code: 'proposal.duplicate' });
    const reused = await restored.addProposal(proposing, C, fanProposal('bob', 'gone'), 1);
    expect(reused.ok && reused.proposal.seq).toBe(5);
    expect(await restored.castBallot(voting, C, 'flavour', { voterKey: 'telegram:1', choice: [b!] }, { allowChange: true, tallied: true })).toEqual({ ok: true, changed: true });
    expect((await restored.getTally(C, 'flavour')).tally).toEqual({ [b!]: 2 });
  });

  it('hands out a snapshot the store does not share', async () => {
    const store = newStore();
    await store.initCampaign(C, [{ id: 'line', deadline: T0 }], T0);
    const snapshot = store.snapshot(C);
    (snapshot.categories[0]!.state as { phase: string }).phase = 'vote';
    expect((await store.getState(C, 'line'))?.phase).toBe('pending');
  });

  it('refuses to snapshot an unknown campaign', () => {
    expect(() => newStore().snapshot('nope')).toThrow(/unknown campaign/);
  });
});
