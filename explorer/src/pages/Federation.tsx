/**
 * The federation: every municipality with its status, height, last block and rate, the main
 * chain's height, and the newest blocks and transactions — polled every 2 s, so new blocks appear
 * without a reload (docs/EXPLORER.md says why polling).
 */
import { request } from '../api.ts';
import type { FederationQuery as Data } from '../gql/graphql.ts';
import { t } from '../i18n.ts';
import { FederationQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Address, Alert, Hex, Show, Status, Table, Time, TxLink, useLoad } from '../ui.tsx';

export const POLL_MS = 2000;

type Municipality = Data['municipalities'][number];
type BlockNode = NonNullable<Municipality['chain']>['blocks']['edges'][number]['node'];

/** Transactions per second over the newest blocks (their count over the time they span). */
function rate(blocks: BlockNode[]): string {
  if (blocks.length < 2) return '–';
  const span = (Date.parse(blocks[0]!.time) - Date.parse(blocks[blocks.length - 1]!.time)) / 1000;
  const txs = blocks.slice(0, -1).reduce((n, b) => n + b.txCount, 0);
  return span > 0 ? (txs / span).toFixed(2) : '–';
}

export function Federation() {
  const state = useLoad(() => request(FederationQuery), 'federation', POLL_MS);
  return (
    <Show state={state}>
      {({ data, errors }) => {
        if (!data) return <Alert message={errors[0]?.message} />;
        const blocks = data.municipalities.flatMap((m) => m.chain?.blocks.edges.map((e) => ({ code: m.code, ...e.node })) ?? []);
        blocks.sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
        const txs = blocks.flatMap((b) => b.transactions.edges.map((e) => e.node)).slice(0, 10);
        return (
          <>
            <h1>{t().federation}</h1>
            <p class="muted live">{t().live}</p>
            <p>
              {t().mainHeight}: <strong data-testid="main-height">{data.mainChain.height}</strong> · <Hex value={data.mainChain.headHash} /> ·{' '}
              <Time iso={data.mainChain.head.time} />
            </p>
            <Table
              id="municipalities"
              items={data.municipalities}
              attrs={(m) => ({ 'data-municipality': m.code })}
              columns={[
                {
                  head: t().municipality,
                  cell: (m) => (
                    <>
                      <a href={href.chain(m.code)}>{m.name}</a> <code>{m.code}</code>
                    </>
                  ),
                },
                { head: t().status, cell: (m) => <Status value={m.status} /> },
                {
                  head: t().height,
                  testid: 'height',
                  cell: (m) => (m.chain ? <a href={href.block(m.code, m.chain.height)}>{m.chain.height}</a> : <span class="bad">{t().unavailable}</span>),
                },
                { head: t().lastBlock, cell: (m) => m.chain && <Time iso={m.chain.headTime} /> },
                { head: `${t().rate} (${t().txPerSec})`, cell: (m) => (m.chain ? rate(m.chain.blocks.edges.map((e) => e.node)) : '–') },
                { head: t().anchored, cell: (m) => m.anchoredHeight },
              ]}
            />
            <div class="columns">
              <section>
                <h2>{t().latestBlocks}</h2>
                <Table
                  id="latest-blocks"
                  items={blocks.slice(0, 10)}
                  columns={[
                    {
                      cell: (b) => (
                        <a href={href.block(b.code, b.height)}>
                          {b.code}/{b.height}
                        </a>
                      ),
                    },
                    {
                      cell: (b) => (
                        <>
                          {b.txCount} {t().txCount}
                        </>
                      ),
                    },
                    { cell: (b) => <Time iso={b.time} /> },
                  ]}
                />
              </section>
              <section>
                <h2>{t().latestTransactions}</h2>
                <Table
                  id="latest-transactions"
                  items={txs}
                  attrs={(tx) => ({ 'data-tx': tx.id })}
                  columns={[
                    { cell: (tx) => <TxLink id={tx.id} /> },
                    { cell: (tx) => tx.kind },
                    {
                      cell: (tx) => (
                        <>
                          <Address value={tx.from} /> → <Address value={tx.to} />
                        </>
                      ),
                    },
                    { class: 'num', cell: (tx) => tx.amount },
                  ]}
                />
              </section>
            </div>
          </>
        );
      }}
    </Show>
  );
}
