/** An account (balance, nonce, history, paged) and one key's accounts across municipalities. */
import { parseAddress } from '../../../core/address.ts';
import { bytesToHex } from '../../../core/bytes.ts';
import { query } from '../api.ts';
import { t } from '../i18n.ts';
import { AccountQuery, KeyAccountsQuery } from '../queries.ts';
import { href } from '../route.ts';
import { Address, Fields, Hex, Show, Status, Time, TxLink, useLoad } from '../ui.tsx';

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
          <p>
            {t().notFound}: {address}
          </p>
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
            <table data-testid="history">
              <thead>
                <tr>
                  <th>{t().transaction}</th>
                  <th>{t().kind}</th>
                  <th>{t().from}</th>
                  <th>{t().to}</th>
                  <th>{t().amount}</th>
                  <th>{t().block}</th>
                  <th>{t().time}</th>
                </tr>
              </thead>
              <tbody>
                {a.transactions.edges.map(({ node: tx }) => (
                  <tr data-tx={tx.id}>
                    <td>
                      <TxLink id={tx.id} />
                    </td>
                    <td>{tx.kind}</td>
                    <td>
                      <Address value={tx.from} />
                    </td>
                    <td>
                      <Address value={tx.to} />
                    </td>
                    <td class={`num ${tx.to === a.id ? 'good' : ''}`}>
                      {tx.to === a.id ? '+' : '−'}
                      {tx.amount}
                    </td>
                    <td>{tx.height ?? <Status value={tx.status} />}</td>
                    <td>
                      <Time iso={tx.time} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <nav class="pager">
              {after && <a href={href.account(a.id)}>{t().newest}</a>}
              {a.transactions.pageInfo.hasNextPage && a.transactions.pageInfo.endCursor && (
                <a href={href.account(a.id, a.transactions.pageInfo.endCursor)}>{t().older} →</a>
              )}
            </nav>
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
          <table data-testid="key-accounts">
            <thead>
              <tr>
                <th>{t().municipality}</th>
                <th>{t().account}</th>
                <th>{t().balance}</th>
                <th>{t().nonce}</th>
              </tr>
            </thead>
            <tbody>
              {keyAccounts.map((a) => (
                <tr data-municipality={a.municipality}>
                  <td>
                    <a href={href.chain(a.municipality)}>{a.municipality}</a>
                  </td>
                  <td>
                    <Address value={a.id} />
                  </td>
                  <td class="num">{a.balance}</td>
                  <td>{a.nonce}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Show>
  );
}
