/**
 * A transaction: what it is, what became of it, and its inclusion proof verified here with core/
 * — Merkle path, block hash, sequencer signature, Proof of History — each check ✓/✗ as
 * `aiki tx show --verify` prints it. Nothing the server says is taken for these: only the proof.
 */
import { verifyInclusionProof, type InclusionProofInput } from '../../../core/proof.ts';
import type { TransferBody } from '../../../core/transaction.ts';
import { query } from '../api.ts';
import type { TransactionQuery as Data } from '../gql/graphql.ts';
import { t } from '../i18n.ts';
import { TransactionQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Address, Checks, Fields, Hex, NotFound, Show, Status, Time, TxLink, useLoad } from '../ui.tsx';
import { useDeferred } from '../verify.ts';

type Tx = NonNullable<Data['transaction']>;

function checksOf(tx: Tx) {
  if (!tx.proof) return [];
  // The sender's signed body, for a transfer: its id is then checked too (credits and refunds are the main chain's orders).
  const body: TransferBody | undefined =
    tx.kind === 'TRANSFER' ? { v: 1, type: 'transfer', from: tx.from, to: tx.to, amount: tx.amount, nonce: tx.nonce, memo: tx.memo, time: tx.time } : undefined;
  return verifyInclusionProof(tx.proof as InclusionProofInput, body); // the API's header has `v: Int`; core checks it is 1
}

export function Transaction({ id }: { id: string }) {
  const state = useLoad(() => query(TransactionQuery, { id }), id);
  return <Show state={state}>{({ transaction: tx, settlement }) => (tx ? <View tx={tx} settlement={settlement} /> : <NotFound what={id} />)}</Show>;
}

function View({ tx, settlement }: { tx: Tx; settlement: Data['settlement'] }) {
  const checks = useDeferred(() => checksOf(tx), tx.id);
  return (
    <>
      <h1>
        {t().transaction} <Hex value={tx.txid} />
      </h1>
      <Fields
        rows={[
          [
            t().status,
            <span data-testid="tx-status">
              <Status value={tx.status} />
            </span>,
          ],
          [t().kind, tx.kind],
          [t().municipality, <a href={href.chain(tx.municipality)}>{tx.municipality}</a>],
          [t().from, <Address value={tx.from} />],
          [t().to, <Address value={tx.to} />],
          [t().amount, tx.amount],
          [t().nonce, tx.nonce],
          [t().memo, tx.memo || '–'],
          [t().time, <Time iso={tx.time} />],
          [
            t().block,
            tx.height !== null && tx.height !== undefined ? (
              <a href={href.block(tx.municipality, tx.height)}>
                {tx.municipality}/{tx.height}
              </a>
            ) : (
              '–'
            ),
          ],
          [t().signature, <Hex value={tx.signature} />],
          ...(tx.settlement ? [['settlement', <TxLink id={tx.settlement} />] as [string, preact.ComponentChildren]] : []),
          ...(tx.rejection ? [[t().rejection, `${tx.rejection.code}: ${tx.rejection.message}`] as [string, preact.ComponentChildren]] : []),
        ]}
      />
      {settlement && (
        <p>
          <a href={href.trace(settlement.id)} data-testid="trace-link">
            {t().viewTrace}
          </a>{' '}
          → {settlement.destination} <Status value={settlement.status} />
        </p>
      )}
      {tx.proof ? checks ? <Checks checks={checks} /> : <p class="muted">{t().verifying}</p> : <p class="muted">{t().noProof}</p>}
      {tx.proof && (
        <details>
          <summary>
            {t().poh}: {tx.proof.poh.segment.length} entries, index {tx.proof.index} of {tx.proof.treeSize}
          </summary>
          <Fields
            rows={[
              ['start', <Hex value={tx.proof.poh.start} />],
              ['ticks', tx.proof.poh.ticks],
              ['hash', <Hex value={tx.proof.poh.hash} />],
              [
                'path',
                tx.proof.path.map((p) => (
                  <div>
                    <Hex value={p} />
                  </div>
                )),
              ],
            ]}
          />
        </details>
      )}
    </>
  );
}
