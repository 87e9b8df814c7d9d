/** The lease holder's book (subgraphs/ledger/book.ts): admission, block candidates, settled mempool log entries. */
import { describe, expect, it } from 'vitest';
import { transactionId, type TransferBody } from '../../core/transaction.ts';
import { Book } from '../../subgraphs/ledger/book.ts';
import type { BlockDoc, PendingTx } from '../../subgraphs/ledger/models.ts';
import { alice, bob } from '../vectors/generate.ts';

const NOW = Date.parse('2026-01-01T00:00:00.000Z');
const body = (nonce: number, amount = 10): TransferBody => ({
  v: 1,
  type: 'transfer',
  from: alice.address,
  to: bob.address,
  amount: String(amount),
  nonce,
  memo: '',
  time: new Date(NOW).toISOString(),
});

/** A book whose alice has 100 at nonce 0. */
function book(): Book {
  const b = new Book({ height: 0, header: { municipality: 'kyoto' }, txs: [] } as unknown as BlockDoc);
  b.load([alice.address, bob.address], new Map([[alice.address, { _id: alice.address, balance: 100, nonce: 0, height: 0 }]]));
  return b;
}

function admit(b: Book, nonce: number, amount = 10): PendingTx {
  const tx = body(nonce, amount);
  const decision = b.admit(transactionId(tx), tx, '00', BigInt(amount), NOW);
  if (decision.kind !== 'reserved') throw new Error(`expected reserved, got ${JSON.stringify(decision)}`);
  return decision.tx;
}

const block = (height: number, txs: PendingTx[]) => ({ height, txs: txs.map((t) => ({ id: t.id, body: t.body })) }) as unknown as BlockDoc;

describe('Book', () => {
  it('counts reserved transactions for the next nonce and the available balance', () => {
    const b = book();
    const first = admit(b, 1, 60);
    expect(b.admit(first.id, first.body as TransferBody, '00', 60n, NOW)).toEqual({ kind: 'pending' });
    const refusal = (nonce: number, amount: number) => {
      const d = b.admit(transactionId(body(nonce, amount)), body(nonce, amount), '00', BigInt(amount), NOW);
      return d.kind === 'refused' ? d.error.code : d.kind;
    };
    expect(refusal(1, 5)).toBe('NONCE_REUSED'); // another body with a pending nonce
    expect(refusal(3, 5)).toBe('NONCE_GAP');
    expect(refusal(2, 41)).toBe('INSUFFICIENT_FUNDS'); // 100 less 60 pending
    expect(refusal(2, 40)).toBe('reserved');
    expect(b.pendingCount).toBe(2);
  });

  it('seals only durable transactions, a sender in nonce order, at most as many as asked', () => {
    const b = book();
    const [t1, t2] = [admit(b, 1), admit(b, 2)];
    b.queued(t1, 'e1'); // t2's write is still in flight
    expect(b.next(10).txs.map((t) => t.nonce)).toEqual([1]);
    b.queued(t2, 'e2');
    expect(b.next(10).txs.map((t) => t.nonce)).toEqual([1, 2]);
    expect(b.next(1).txs.map((t) => t.nonce)).toEqual([1]);
  });

  it('settles a mempool log entry once every transaction in it is sealed or rejected', () => {
    const b = book();
    const [t1, t2, t3] = [admit(b, 1), admit(b, 2), admit(b, 3)];
    b.queued(t1, 'e1');
    b.queued(t2, 'e1');
    b.queued(t3, 'e2');
    b.sealed(block(1, [t1]), [{ _id: alice.address, balance: 90, nonce: 1, height: 1 }]);
    expect(b.takeDone()).toEqual([]);
    expect(b.holds('e1')).toBe(true);
    b.sealed(block(2, [t2]), [{ _id: alice.address, balance: 80, nonce: 2, height: 2 }]);
    expect(b.takeDone()).toEqual(['e1']);
    expect(b.takeDone()).toEqual([]);
    b.rejected([t3]);
    expect(b.takeDone()).toEqual(['e2']);
    expect(b.pendingCount).toBe(0);
    expect(b.queuedCount).toBe(0);
  });

  it('restores a rebuilt mempool in arrival order and refuses what does not follow the nonces', () => {
    const source = book();
    const [t1, t2, t3] = [admit(source, 1), admit(source, 2), admit(source, 3)];
    const b = book();
    expect(b.restore(t1, 'e1')).toBe(true);
    expect(b.restore(t3, 'e2')).toBe(false); // t2 is missing: a gap
    expect(b.restore(t2, 'e2')).toBe(true);
    expect(b.next(10).txs.map((t) => t.nonce)).toEqual([1, 2]);
  });
});
