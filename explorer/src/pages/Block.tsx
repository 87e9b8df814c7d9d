/** A block: its header, its hash and signature checked here, where it is anchored, its transactions. */
import { blockHash, headerOf } from '../../../core/block.ts';
import { hexToBytes } from '../../../core/bytes.ts';
import { verify } from '../../../core/ed25519.ts';
import { checklist } from '../../../core/proof.ts';
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { BlockQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Checks, Fields, Hex, NotFound, Show, Status, Table, Time, txColumns, useLoad } from '../ui.tsx';

export function Block({ code, height }: { code: string; height: number }) {
  const state = useLoad(() => query(BlockQuery, { id: `${code}:${height}`, municipality: code, height }), `${code}/${height}`);
  return (
    <Show state={state}>
      {({ block: b, anchor }) => {
        if (!b) return <NotFound what={`${code}/${height}`} />;
        const { checks, check } = checklist();
        const header = headerOf({ ...b, v: 1 });
        check('block hash', () => blockHash(header) === b.hash || `the header hashes to ${blockHash(header)}, not ${b.hash}`);
        check(
          'sequencer signature',
          () =>
            verify(hexToBytes(b.signature), hexToBytes(b.hash), hexToBytes(b.sequencer)) || `the signature does not verify with sequencer key ${b.sequencer}`,
        );
        return (
          <>
            <h1>
              {t().block} <a href={href.chain(code)}>{code}</a>/{b.height}
            </h1>
            <nav class="pager">
              {b.height > 0 && <a href={href.block(code, b.height - 1)}>← {b.height - 1}</a>}
              <a href={href.block(code, b.height + 1)}>{b.height + 1} →</a>
            </nav>
            <Fields
              rows={[
                [t().hash, <Hex value={b.hash} />],
                [
                  t().prevHash,
                  b.height > 0 ? (
                    <a href={href.block(code, b.height - 1)}>
                      <Hex value={b.prevHash} />
                    </a>
                  ) : (
                    <Hex value={b.prevHash} />
                  ),
                ],
                [t().time, <Time iso={b.time} />],
                [t().txRoot, <Hex value={b.txRoot} />],
                [t().txCount, b.txCount],
                [t().pohEnd, <Hex value={b.pohEnd} />],
                [t().pohCount, b.pohCount],
                [t().sequencer, <Hex value={b.sequencer} />],
                [t().signature, <Hex value={b.signature} />],
                [t().anchoredIn, anchor?.inclusion ? anchor.inclusion.mainBlock.height : t().notAnchored],
              ]}
            />
            <Checks checks={checks} />
            <h2>{t().transactions}</h2>
            <Table
              id="transactions"

              items={b.transactions.edges.map((e) => e.node)}
              attrs={(tx) => ({ 'data-tx': tx.id })}
              columns={[...txColumns(), { head: t().status, cell: (tx) => <Status value={tx.status} /> }]}
            />
          </>
        );
      }}
    </Show>
  );
}
