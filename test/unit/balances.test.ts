/**
 * One rule for how entries change accounts (core/balances.ts), and the three places that use it:
 * admission (Book.admit), sealing (Book.next) and replay (accountsAfter, which writes the account
 * documents). Random blocks go through all three and must agree: what admission reserves, sealing
 * seals; what replay writes is what admission then sees; replaying the whole chain again (as after
 * a crash, over accounts partly written) writes the same; money is conserved.
 */
import { describe, expect, it } from 'vitest';
import { applyBlock, applyEntry, touchedByEntry, type AccountState } from '../../core/balances.ts';
import type { SettlementBody } from '../../core/settlement.ts';
import { transactionId, type TransferBody } from '../../core/transaction.ts';
import { Book } from '../../subgraphs/ledger/book.ts';
import type { AccountDoc, BlockDoc, PendingTx } from '../../subgraphs/ledger/models.ts';
import { accountsAfter } from '../../subgraphs/ledger/store.ts';

const HERE = 'kyoto';
const TIME = '2026-01-01T00:00:00.000Z';
const NOW = Date.parse(TIME);

/** A small deterministic generator (mulberry32), so that a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]! };
}

const address = (municipality: string, n: number) => `${municipality}:${n.toString(16).padStart(64, '0')}`;
const LOCAL = Array.from({ length: 6 }, (_, i) => address(HERE, i + 1));
const FOREIGN = Array.from({ length: 2 }, (_, i) => address('osaka', i + 1));

type Entry = TransferBody | SettlementBody;
const header = (height: number) => ({ municipality: HERE, height }) as BlockDoc['header'];
const blockOf = (height: number, entries: Entry[], allocations?: BlockDoc['allocations']): BlockDoc =>
  ({
    _id: String(height),
    height,
    header: header(height),
    hash: '',
    signature: '',
    txs: entries.map((body) => ({ id: idOf(body), body, signature: '' })),
    ...(allocations && { allocations }),
  }) as unknown as BlockDoc;
const idOf = (body: Entry) => (body.type === 'transfer' ? transactionId(body) : `${body.type}:${body.settlement}`);

/** Random entries against the confirmed accounts: mostly admissible transfers, some not, and settlement credits. */
function entries(rnd: ReturnType<typeof random>, confirmed: Map<string, AccountDoc>, height: number): Entry[] {
  const nonces = new Map(LOCAL.map((a) => [a, confirmed.get(a)?.nonce ?? 0]));
  const out: Entry[] = [];
  for (let i = rnd.int(25); i > 0; i--) {
    if (rnd.next() < 0.15) {
      out.push({
        v: 1,
        type: rnd.next() < 0.5 ? 'credit' : 'refund',
        settlement: `${height}-${i}`,
        from: rnd.pick(FOREIGN),
        to: rnd.pick(LOCAL),
        amount: String(1 + rnd.int(500)),
        time: TIME,
      });
      continue;
    }
    const from = rnd.pick(LOCAL);
    const to = rnd.next() < 0.3 ? rnd.pick(FOREIGN) : rnd.pick(LOCAL.filter((a) => a !== from));
    const skew = rnd.next() < 0.1 ? rnd.pick([-1, 0, 2]) : 1; // a reused nonce, or a gap, now and then
    const nonce = Math.max(1, nonces.get(from)! + skew);
    if (skew === 1) nonces.set(from, nonce);
    const balance = confirmed.get(from)?.balance ?? 0;
    out.push({
      v: 1,
      type: 'transfer',
      from,
      to,
      amount: String(1 + rnd.int(Math.max(1, Math.floor(balance / 3)))),
      nonce,
      memo: `${height}/${i}`,
      time: TIME,
    });
  }
  return out;
}

const statesFrom = (docs: Map<string, AccountDoc>) => {
  const states = new Map<string, AccountState>();
  const stateOf = (a: string) => states.get(a) ?? states.set(a, { balance: BigInt(docs.get(a)?.balance ?? 0), nonce: docs.get(a)?.nonce ?? 0 }).get(a)!;
  return { states, stateOf };
};

describe('core/balances: the rule', () => {
  const from = LOCAL[0]!;
  const start = () => statesFrom(new Map([[from, { _id: from, balance: 100, nonce: 0, height: 0 }]]));
  const transfer = (to: string): TransferBody => ({ v: 1, type: 'transfer', from, to, amount: '30', nonce: 1, memo: '', time: TIME });

  it('a transfer on this ledger moves the amount from sender to recipient and takes the nonce', () => {
    const { states, stateOf } = start();
    applyEntry(transfer(LOCAL[1]!), HERE, stateOf);
    expect(Object.fromEntries(states)).toEqual({ [from]: { balance: 70n, nonce: 1 }, [LOCAL[1]!]: { balance: 30n, nonce: 0 } });
    expect(touchedByEntry(transfer(LOCAL[1]!), HERE)).toEqual([from, LOCAL[1]]);
  });

  it('a transfer to another municipality debits the sender and credits nothing here (the recipient’s ledger writes the credit)', () => {
    const { states, stateOf } = start();
    applyEntry(transfer(FOREIGN[0]!), HERE, stateOf);
    expect(Object.fromEntries(states)).toEqual({ [from]: { balance: 70n, nonce: 1 } });
    expect(touchedByEntry(transfer(FOREIGN[0]!), HERE)).toEqual([from]);
  });

  it('a settlement entry credits its recipient and nothing else', () => {
    const { states, stateOf } = start();
    applyEntry({ v: 1, type: 'credit', settlement: 'x', from: FOREIGN[0]!, to: from, amount: '5', time: TIME }, HERE, stateOf);
    expect(Object.fromEntries(states)).toEqual({ [from]: { balance: 105n, nonce: 0 } });
  });

  it('applies amounts as bigint: no rounding at 2^53 - 1', () => {
    const { states, stateOf } = statesFrom(new Map());
    applyBlock(
      {
        municipality: HERE,
        allocations: [{ address: from, amount: '9007199254740991' }],
        entries: [{ v: 1, type: 'credit', settlement: 'x', from: FOREIGN[0]!, to: from, amount: '2', time: TIME }],
      },
      stateOf,
    );
    expect(states.get(from)!.balance).toBe(9007199254740993n);
  });
});

describe('admission, sealing and replay agree on random blocks', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('seed %i: 6 blocks', (seed) => {
    const rnd = random(seed);
    const allocations = LOCAL.map((a) => ({ address: a, amount: String(1 + rnd.int(10_000)) }));
    const genesis = blockOf(0, [], allocations);
    const chain: BlockDoc[] = [genesis];
    let confirmed = new Map(accountsAfter(genesis, new Map()).map((d) => [d._id, d]));
    let supply = allocations.reduce((s, a) => s + BigInt(a.amount), 0n);
    let head = genesis;

    for (let height = 1; height <= 6; height++) {
      // Admission: each entry decided against the confirmed accounts and the pending ones before it.
      const book = new Book(head);
      book.load([...LOCAL, ...FOREIGN], confirmed);
      const reserved: PendingTx[] = [];
      for (const body of entries(rnd, confirmed, height)) {
        const decision =
          body.type === 'transfer'
            ? book.admit(idOf(body), body, '', BigInt(body.amount), NOW)
            : book.admitSettlement(idOf(body), body, '', BigInt(body.amount), NOW);
        if (decision.kind === 'reserved') {
          book.queued(decision.tx, `e${height}`);
          reserved.push(decision.tx);
        }
      }
      // Sealing: what admission reserved is sealed, none refused, in arrival order.
      const { txs, refused } = book.next(10_000);
      expect(refused).toEqual([]);
      expect(txs.map((t) => t.id)).toEqual(reserved.map((t) => t.id));

      // Replay: the account documents the block leaves.
      const block = blockOf(
        height,
        txs.map((t) => t.body),
      );
      const changed = accountsAfter(block, confirmed);
      confirmed = new Map([...confirmed, ...changed.map((d) => [d._id, d] as const)]);
      book.sealed(block, changed);
      chain.push(block);
      head = block;

      // Money: what left for other towns left, what settlements brought came in, nothing else.
      for (const t of txs) {
        if (t.body.type !== 'transfer') supply += BigInt(t.body.amount);
        else if (!t.body.to.startsWith(`${HERE}:`)) supply -= BigInt(t.body.amount);
      }
      const local = [...confirmed.values()].filter((d) => d._id.startsWith(`${HERE}:`));
      expect(local.reduce((s, d) => s + BigInt(d.balance), 0n)).toBe(supply);
      expect(local.every((d) => d.balance >= 0)).toBe(true);
      expect([...confirmed.keys()].some((a) => !a.startsWith(`${HERE}:`))).toBe(false); // nobody elsewhere is credited here

      // Admission after the block sees exactly what replay wrote: all of a balance is spendable, one more is not.
      for (const a of LOCAL) {
        const doc = confirmed.get(a)!;
        const over = {
          v: 1,
          type: 'transfer',
          from: a,
          to: LOCAL.find((b) => b !== a)!,
          amount: String(doc.balance + 1),
          nonce: doc.nonce + 1,
          memo: 'probe',
          time: TIME,
        } as const;
        const refusal = book.admit(transactionId(over), over, '', BigInt(over.amount), NOW);
        expect(refusal.kind === 'refused' && refusal.error.code, a).toBe('INSUFFICIENT_FUNDS');
        expect(refusal.kind === 'refused' && refusal.error.extensions.available).toBe(String(doc.balance));
      }
    }

    // Replay of the whole chain from nothing, and again over accounts already written (a crash
    // between writes): the same documents.
    const replayed = (start: Map<string, AccountDoc>) => {
      let docs = new Map(start);
      for (const block of chain) docs = new Map([...docs, ...accountsAfter(block, docs).map((d) => [d._id, d] as const)]);
      return docs;
    };
    expect(replayed(new Map())).toEqual(confirmed);
    expect(replayed(confirmed)).toEqual(confirmed);
  });
});
