// The ballots of a batch travel to cast-ballots-N.lua packed in one argument (each field
// `<length in bytes>:<bytes>`): whatever bytes a voter key or a choice holds, each ballot
// arrives whole and as sent, and a malformed call is refused before anything is written.
import type { Redis } from 'ioredis';
import type { Ballot } from '../../src/model/records';
import type { Gate } from '../../src/ports/campaign-store';
import { CampaignKeys } from '../../src/stores/redis/keys';
import { runScript } from '../../src/stores/redis/scripts';
import { packFields, RedisCampaignStore } from '../../src/stores/redis/redis-store';
import { connectOrFail, deleteByPrefix, uniquePrefix } from '../helpers/redis';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const voting: Gate = { phase: 'vote', now: T0 + 1 };
const OPTIONS = ['Framboise-litchi', 'Caramel beurre salé', 'Citron-basilic'];

describe('ballots packed in one argument', () => {
  let redis: Redis;
  let prefix: string;
  let store: RedisCampaignStore;

  beforeAll(async () => {
    redis = await connectOrFail();
  });

  beforeEach(() => {
    prefix = uniquePrefix();
    store = new RedisCampaignStore({ redis, prefix });
  });

  afterEach(async () => {
    await store.close();
    await deleteByPrefix(redis, prefix);
  });

  afterAll(async () => {
    await redis?.quit();
  });

  async function openVote(campaignId: string): Promise<string[]> {
    await store.initCampaign(campaignId, [{ id: 'flavour', deadline: T0, options: OPTIONS }], T0);
    expect(await store.transition({ campaignId, categoryId: 'flavour', from: 'pending', to: 'vote', deadline: T0 + 86_400_000, events: [] })).toBe(true);
    return (await store.getShortlist(campaignId, 'flavour')).map((p) => p.id);
  }

  it('frames each field with its length in bytes', () => {
    expect(packFields(['vote', 1_700_000_000_000, 'local:Zoë', '0', '1', 2, 'a', ''])).toBe('4:vote13:170000000000010:local:Zoë1:01:11:21:a0:') // ë is two bytes;
  });

  it('casts ballots whose voter keys hold separators and accents as sent, and refuses a choice that only looks like two', async () => {
    const [a, b] = await openVote('bytes');
    const cast = (voterKey: string, choice: string[]) => store.castBallot(voting, 'bytes', 'flavour', { voterKey, choice }, { allowChange: false, tallied: true });
    const answers = await Promise.all([
      cast('local:Zoë', [a!]),
      cast('local:a:1,2', [b!]),
      cast('local:12:x', [a!]),
      cast('local:sly', [`${a}:${b}`]),
      cast('local:slier', [`${a},${b}`]),
    ]);
    expect(answers).toEqual([
      { ok: true, changed: false },
      { ok: true, changed: false },
      { ok: true, changed: false },
      { ok: false, code: 'vote.not-shortlisted' },
      { ok: false, code: 'vote.not-shortlisted' },
    ]);
    const ballots: Ballot[] = [];
    for await (const batch of store.scanBallots('bytes', 'flavour')) ballots.push(...batch);
    expect(ballots.sort((x, y) => x.voterKey.localeCompare(y.voterKey))).toEqual([
      { voterKey: 'local:12:x', choice: [a!] },
      { voterKey: 'local:a:1,2', choice: [b!] },
      { voterKey: 'local:Zoë', choice: [a!] },
    ]);
    expect(await store.getTally('bytes', 'flavour')).toEqual({ tally: { [a!]: 2, [b!]: 1 }, ballots: 3 });
  });

  it('fails a call whose packed ballots do not match its buckets, or whose packing is broken, before writing anything', async () => {
    const [a] = await openVote('malformed');
    const k = new CampaignKeys(prefix, 'malformed');
    const category = [k.key('cat', 'flavour', 'state'), k.key('cat', 'flavour', 'shortlist'), k.key('cat', 'flavour', 'tally'), k.key('meta')];
    const bucket = (n: number) => k.key('cat', 'flavour', 'ballots', String(n));
    const ana = ['vote', voting.now, 'telegram:ana', '0', '1', 1, a!];
    // Two buckets, one ballot.
    await expect(runScript(redis, 'castBallots', [...category, bucket(0), bucket(1)], [packFields(ana)])).rejects.toThrow(/do not match/);
    // A length running past the end; a length that is not a count.
    const allButChoice = packFields(ana.slice(0, -1));
    await expect(runScript(redis, 'castBallots', [...category, bucket(0)], [`${allButChoice}9:${a}`])).rejects.toThrow(/do not match/);
    await expect(runScript(redis, 'castBallots', [...category, bucket(0)], [`x:${packFields(ana)}`])).rejects.toThrow(/do not match/);
    await expect(runScript(redis, 'castBallots', [...category, bucket(0)], [`${allButChoice}-1:${a}`])).rejects.toThrow(/do not match/);
    expect(await store.getTally('malformed', 'flavour')).toEqual({ tally: {}, ballots: 0 });
  });
});
