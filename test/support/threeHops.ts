/** A transfer across three municipalities, kyoto → osaka → nara → kyoto, each hop credited and sealed before the next: the explorer's test and bench trace it. */
import { eventually, gql } from './helpers.ts';
import { SUBMIT, transfer, wallet, type Wallet } from './ledger.ts';

const SEALED = `query($id: String!) {
  settlement(id: $id) { status steps { inclusion { index } } }
  trace(transactionId: $id, depth: 0) { hops { transferAnchor { inclusion { index } } entryAnchor { inclusion { index } } } }
}`;

/** Submits a transfer signed by `from` with its next nonce (kept in `nonces`); its id. */
export async function send(gateway: string, nonces: Map<string, number>, from: Wallet, to: string, amount: number): Promise<string> {
  const n = (nonces.get(from.address) ?? 0) + 1;
  nonces.set(from.address, n);
  const r = await gql(gateway, SUBMIT, { m: from.address.split(':')[0], t: transfer(from, to, amount, n) });
  if (r.errors) throw new Error(`submitting a transfer: ${r.errors[0]!.message}`);
  return r.data!.submitTransaction.id as string;
}

/** Until the transfer between municipalities `id` is credited, every step and both blocks sealed on the main chain. */
export async function creditedAndSealed(gateway: string, id: string): Promise<void> {
  await eventually(
    async () => {
      const r = await gql(gateway, SEALED, { id });
      const s = r.data?.settlement;
      const hop = r.data?.trace?.hops[0];
      return s?.status === 'CREDITED' &&
        s.steps.every((x: { inclusion: unknown }) => x.inclusion) &&
        hop?.transferAnchor?.inclusion &&
        hop?.entryAnchor?.inclusion
        ? true
        : undefined;
    },
    60_000,
    `${id} credited and sealed`,
  );
}

/** The three recipients and the id of the first transfer, from kyoto's `treasury`. */
export async function threeHops(gateway: string, nonces: Map<string, number>, treasury: Wallet): Promise<{ traced: string; hops: Wallet[] }> {
  const hops = [wallet('osaka'), wallet('nara'), wallet('kyoto')];
  const traced = await send(gateway, nonces, treasury, hops[0]!.address, 300);
  await creditedAndSealed(gateway, traced);
  await creditedAndSealed(gateway, await send(gateway, nonces, hops[0]!, hops[1]!.address, 200));
  await creditedAndSealed(gateway, await send(gateway, nonces, hops[1]!, hops[2]!.address, 100));
  return { traced, hops };
}
