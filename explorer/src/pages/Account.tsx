/** An account (balance, nonce, history, paged) and one key's accounts across municipalities. */
import { parseAddress } from '../../../core/address.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { AccountQuery, KeyAccountsQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Address, Fields, Hex, NotFound, Pager, Show, Status, Table, Time, txColumns, useLoad } from '../ui.tsx';

export function Account({ address, after }: { address: string; after?: string }) {
  const state = useLoad(() => query(AccountQuery, { address, after }), `${address}/${after ?? ''}`);
  let publicKey: string | undefined;
  try {
    publicKey = bytesToHex(parseAddress(address).publicKey);
  } catch {
    /* not an address: the API says why */
  }
  return (
    <Show state={state}>
      {({ account: a }) =>
        !a ? (
          <NotFound what={address} />
        ) : (
          <>
            <h1>
              {t().account} <Hex value={a.id} />
            </h1>
            <Fields
              rows={[
                [t().municipality, <a href={href.chain(a.municipality)}>{a.municipality}</a>],
                [t().balance, <strong data-testid="balance">{a.balance}</strong>],
                [t().nonce, a.nonce],
                ...(publicKey
                  ? [
                      [
                        t().keyAccounts,
                        <a href={href.key(publicKey)}>
                          <Hex value={publicKey} />
                        </a>,
                      ] as [string, preact.ComponentChildren],
                    ]
                  : []),
              ]}
            />
            <h2>{t().history}</h2>
            <Table
              id="history"
              items={a.transactions.edges.map((e) => e.node)}
              attrs={(tx) => ({ 'data-tx': tx.id })}
              columns={[
                ...txColumns(a.id),
                { head: t().block, cell: (tx) => tx.height ?? <Status value={tx.status} /> },
                { head: t().time, cell: (tx) => <Time iso={tx.time} /> },
              ]}
            />
            <Pager after={after} pageInfo={a.transactions.pageInfo} link={(cursor) => href.account(a.id, cursor)} />
          </>
        )
      }
    </Show>
  );
}

export function KeyAccounts({ publicKey }: { publicKey: string }) {
  const state = useLoad(() => query(KeyAccountsQuery, { publicKey }), publicKey);
  return (
    <Show state={state}>
      {({ keyAccounts }) => (
        <>
          <h1>{t().keyAccounts}</h1>
          <p>
            <Hex value={publicKey} />
          </p>
          <Table
            id="key-accounts"
            items={keyAccounts}
            attrs={(a) => ({ 'data-municipality': a.municipality })}
            columns={[
              { head: t().municipality, cell: (a) => <a href={href.chain(a.municipality)}>{a.municipality}</a> },
              { head: t().account, cell: (a) => <Address value={a.id} /> },
              { head: t().balance, class: 'num', cell: (a) => a.balance },
              { head: t().nonce, cell: (a) => a.nonce },
            ]}
          />
        </>
      )}
    </Show>
  );
}
