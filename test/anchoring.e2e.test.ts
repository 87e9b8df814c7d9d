/**
 * Anchoring, with real processes: each ledger's lease holder pushes its sealed block headers to
 * the main chain, which verifies them against the municipality's registered key and its last
 * anchored block and seals them into its own blocks. A confirmed transfer is then provable with
 * core/ alone from its id up to a main-chain block; forged anchors are refused with codes and
 * change nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  anchorEventId,
  blockHash,
  bytesToHex,
  canonicalJson,
  hexToBytes,
  publicKeyOf,
  sealNext,
  sha256,
  signBlock,
  utf8,
  verify,
  verifyInclusion,
  INCLUSION_PROOF_FIELDS,
  verifyInclusionProof,
  type AnchorInput,
  type BlockHeader,
  type InclusionProofInput,
} from '../core/index.ts';
import { eventually, gql } from './support/helpers.ts';
import { FAST_LEDGERS, FAST_MAINCHAIN, funds, KYOTO, OSAKA, useTestCluster } from './support/cluster.ts';
import { SUBMIT, transfer, wallet } from './support/ledger.ts';

const KYOTO_KEY = sha256(utf8('anchoring test: kyoto sequencer'));
const treasury = wallet('kyoto');
const bob = wallet('kyoto');
const fed = useTestCluster('anchor', {
  municipalities: [KYOTO, OSAKA],
  pollIntervalMs: 200,
  mainchainEnv: FAST_MAINCHAIN,
  ledgerEnv: (spec) => ({ ...FAST_LEDGERS, ...(spec.code === 'kyoto' ? { AIKI_SEQUENCER_KEY: bytesToHex(KYOTO_KEY) } : {}) }),
  genesis: { kyoto: funds(1000, treasury) },
});

const ANCHOR = `query($m: String!, $h: Int!) { mainChain { sequencer } anchor(municipality: $m, height: $h) {
  municipality height hash header signature eventId
  inclusion { index treeSize path mainBlock { height hash header signature txRoot } }
} }`;

async function sealedAnchor(municipality: string, height: number): Promise<{ anchor: AnchorInput; mainKey: string }> {
  return eventually(
    async () => {
      const r = await gql(fed.cluster.gateway.url, ANCHOR, { m: municipality, h: height });
      expect(r.errors).toBeUndefined();
      const anchor = r.data!.anchor as AnchorInput | null;
      return anchor?.inclusion ? { anchor, mainKey: (r.data!.mainChain as { sequencer: string }).sequencer } : undefined;
    },
    15_000,
    `block ${height} of ${municipality} sealed on the main chain`,
  );
}

const offer = (municipality: unknown, blocks: Array<{ header: string; hash: string; signature: string }>) =>
  gql(fed.cluster.mainchain.url, 'mutation($m: String!, $b: [AnchorBlockInput!]!) { anchorBlocks(municipality: $m, blocks: $b) { height hash } }', {
    m: municipality,
    b: blocks,
  });

const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

describe('anchoring', () => {
  it('proves a confirmed transfer with core/ alone from its id up to a signed main-chain block', async () => {
    const sent = await gql(fed.cluster.gateway.url, SUBMIT, { m: 'kyoto', t: transfer(treasury, bob.address, 25, 1) });
    expect(sent.errors).toBeUndefined();
    const id = (sent.data!.submitTransaction as { id: string }).id;
    const tx = await eventually(
      async () => {
        const r = await gql(fed.cluster.gateway.url, `query($id: String!) { transaction(id: $id) { status proof { ${INCLUSION_PROOF_FIELDS} } } }`, { id });
        const t = r.data?.transaction as { status: string; proof: InclusionProofInput } | undefined;
        return t?.status === 'CONFIRMED' ? t : undefined;
      },
      10_000,
      'the transfer confirmed',
    );
    // 1. the transaction in its municipal block
    expect(verifyInclusionProof(tx.proof).every((c) => c.ok)).toBe(true);
    // 2. that block anchored: the same header, signed by the key kyoto registered with
    const { anchor, mainKey } = await sealedAnchor('kyoto', tx.proof.header.height);
    const header = JSON.parse(anchor.header) as BlockHeader;
    const { hash: _hash, signature: _signature, ...provenHeader } = tx.proof.header;
    expect(canonicalJson(header)).toBe(canonicalJson(provenHeader));
    expect(blockHash(header)).toBe(anchor.hash);
    expect(header.sequencer).toBe(bytesToHex(publicKeyOf(KYOTO_KEY)));
    expect(verify(hexToBytes(anchor.signature), hexToBytes(anchor.hash), hexToBytes(header.sequencer))).toBe(true);
    // 3. the anchor's event in the main-chain block's Merkle tree
    const eventId = anchorEventId({ municipality: 'kyoto', height: header.height, hash: anchor.hash });
    expect(anchor.eventId).toBe(eventId);
    const { index, treeSize, path, mainBlock } = anchor.inclusion!;
    expect(verifyInclusion(hexToBytes(eventId), index, treeSize, path.map(hexToBytes), hexToBytes(mainBlock.txRoot))).toBe(true);
    // 4. the main-chain block: its header hashes to its hash, which the main chain signed
    const mainHeader = JSON.parse(mainBlock.header) as BlockHeader;
    expect(mainHeader.municipality).toBe('main');
    expect(mainHeader.txRoot).toBe(mainBlock.txRoot);
    expect(mainHeader.txCount).toBe(treeSize);
    expect(blockHash(mainHeader)).toBe(mainBlock.hash);
    expect(mainHeader.sequencer).toBe(mainKey);
    expect(verify(hexToBytes(mainBlock.signature), hexToBytes(mainBlock.hash), hexToBytes(mainKey))).toBe(true);
    // A changed byte anywhere on the way breaks it.
    const other = path.length > 0 ? path.map((p, i) => (i === 0 ? p.replace(/^./, (c) => (c === '0' ? '1' : '0')) : p)) : [bytesToHex(sha256(utf8('x')))];
    expect(verifyInclusion(hexToBytes(eventId), index, treeSize, other.map(hexToBytes), hexToBytes(mainBlock.txRoot))).toBe(false);
  });

  it('anchors every block of every municipality, in order, from genesis', async () => {
    for (const code of ['kyoto', 'osaka']) {
      const { data } = await gql(fed.cluster.gateway.url, 'query($c: String!) { municipality(code: $c) { anchoredHeight chain { height } } }', { c: code });
      const m = data!.municipality as { anchoredHeight: number; chain: { height: number } };
      expect(m.anchoredHeight).toBeLessThanOrEqual(m.chain.height);
      let previous: AnchorInput | undefined;
      for (let height = 0; height <= m.anchoredHeight; height++) {
        const { anchor } = await sealedAnchor(code, height);
        const header = JSON.parse(anchor.header) as BlockHeader;
        expect(header.height).toBe(height);
        if (previous) expect(header.prevHash).toBe(previous.hash);
        previous = anchor;
      }
    }
  });
});

describe('forged anchors', () => {
  let last: { header: BlockHeader; hash: string };

  beforeAll(async () => {
    // Kyoto's ledger stopped: nothing else offers kyoto's blocks while we forge them.
    await fed.cluster.ledgers.get('kyoto')!.stop();
    const { data } = await gql(fed.cluster.mainchain.url, '{ municipality(code: "kyoto") { anchoredHeight } }');
    const height = (data!.municipality as { anchoredHeight: number }).anchoredHeight;
    const { anchor } = await sealedAnchor('kyoto', height);
    last = { header: JSON.parse(anchor.header) as BlockHeader, hash: anchor.hash };
  });

  /** The next block on `parent`, changed by `change`, then signed by `key` (kyoto's own by default). */
  function forge(parent: { header: BlockHeader; hash: string }, change: (h: BlockHeader) => void = () => {}, key = KYOTO_KEY) {
    const { header } = sealNext(parent, [], { time: new Date(), ticksPerEvent: 1, secretKey: key, sequencer: bytesToHex(publicKeyOf(KYOTO_KEY)) });
    change(header);
    return { header: canonicalJson(header), ...signBlock(header, key) };
  }

  async function unchanged() {
    const { data } = await gql(fed.cluster.mainchain.url, '{ municipality(code: "kyoto") { anchoredHeight } }');
    expect((data!.municipality as { anchoredHeight: number }).anchoredHeight).toBe(last.header.height);
    const next = await gql(fed.cluster.mainchain.url, ANCHOR, { m: 'kyoto', h: last.header.height + 1 });
    expect(next.data!.anchor).toBeNull();
  }

  it('refuses a block signed by another key, or whose signature is over another block', async () => {
    expect(codeOf(await offer('kyoto', [forge(last, () => {}, sha256(utf8('an impostor')))]))).toBe('ANCHOR_SIGNATURE_INVALID');
    const genuine = forge(last);
    const otherBlock = forge(last, (h) => (h.time = new Date(Date.parse(h.time) + 1).toISOString()));
    expect(codeOf(await offer('kyoto', [{ ...genuine, signature: otherBlock.signature }]))).toBe('ANCHOR_SIGNATURE_INVALID');
    expect(codeOf(await offer('kyoto', [{ ...genuine, signature: 'zz' }]))).toBe('ANCHOR_SIGNATURE_INVALID');
    await unchanged();
  });

  it("refuses a signed block with a wrong previous hash, a skipped height, or a hash that is not its header's", async () => {
    expect(codeOf(await offer('kyoto', [forge(last, (h) => (h.prevHash = 'ab'.repeat(32)))]))).toBe('ANCHOR_PREV_HASH_MISMATCH');
    const skipped = await offer('kyoto', [forge(last, (h) => (h.height += 1))]);
    expect(codeOf(skipped)).toBe('ANCHOR_HEIGHT_GAP');
    expect(skipped.errors![0]!.extensions!.expected).toBe(last.header.height + 1);
    expect(codeOf(await offer('kyoto', [{ ...forge(last), hash: 'cd'.repeat(32) }]))).toBe('BAD_BLOCK');
    await unchanged();
  });

  it('refuses a second, signed block at an anchored height as evidence of a fork', async () => {
    const fork = forge({ header: { ...last.header, height: last.header.height - 1 }, hash: last.header.prevHash }, (h) => (h.txRoot = 'ef'.repeat(32)));
    const r = await offer('kyoto', [fork]);
    expect(codeOf(r)).toBe('ANCHOR_CONFLICT');
    expect(r.errors![0]!.extensions!.anchored).toBe(last.hash);
    await unchanged();
  });

  it('refuses an unknown municipality, malformed headers and operator injection', async () => {
    expect(codeOf(await offer('nowhere', [forge(last)]))).toBe('UNKNOWN_MUNICIPALITY');
    expect(codeOf(await offer('kyoto', [{ ...forge(last), header: '{not json' }]))).toBe('BAD_BLOCK');
    expect(codeOf(await offer('kyoto', [{ ...forge(last), header: JSON.stringify({ ...last.header, height: { $gt: 0 } }) }]))).toBe('BAD_BLOCK');
    const injected = await offer({ $gt: '' }, [forge(last)]);
    expect(injected.errors?.length).toBeGreaterThan(0); // not a String: refused before any resolver runs
    await unchanged();
  });

  it('still anchors the genuine next block after all of that, and the same block again is no change', async () => {
    const genuine = forge(last);
    const first = await offer('kyoto', [genuine]);
    expect(first.errors).toBeUndefined();
    const again = await offer('kyoto', [genuine]);
    expect(again.data).toEqual(first.data);
    await sealedAnchor('kyoto', last.header.height + 1);
  });
});
