/**
 * Writes our own known-answer vectors (transaction.json, poh.json, block.json, protocol.json) from fixed inputs.
 * Run `npx tsx test/vectors/generate.ts` only when a format changes on purpose: the unit tests
 * check that the code still produces these files byte for byte, and cross-check each signature
 * with node:crypto (Ed25519 is deterministic).
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  abortBytes,
  allocationLeaf,
  allocationsRoot,
  ANCHOR_DOMAIN,
  anchorEventId,
  canonicalBytes,
  checkpointBytes,
  concatBytes,
  consistencyProof,
  DEFAULT_RULES,
  inclusionProof,
  MAIN_CHAIN,
  merkleRoot,
  OUTCOME_DOMAIN,
  outcomeEventId,
  PROPOSAL_DOMAIN,
  proposalEventId,
  sealNext,
  SETTLEMENT_EVENT_DOMAIN,
  settlementBytes,
  settlementEntryId,
  settlementEventIds,
  sha256Hex,
  sign,
  signCheckpoint,
  signSettlement,
  signVote,
  stepEntry,
  utf8,
  voteBytes,
  type OutcomeBody,
  type ProposalBody,
  type SettlementBody,
  type SettlementStatus,
  type VoteBody,
  PohRecorder,
  blockHash,
  bytesToHex,
  canonicalJson,
  formatAddress,
  genesisHeader,
  hexToBytes,
  pohGenesis,
  publicKeyOf,
  signBlock,
  signTransfer,
  signingBytes,
  transactionId,
  txRootOf,
  type BlockHeader,
  type PohEntry,
  type TransferBody,
} from '../../core/index.ts';

const SOURCE =
  'ours: written by test/vectors/generate.ts from the fixed inputs in this file; the unit tests recompute every value and check each signature with node:crypto as well as noble';

/** Fixed secret keys: 32 bytes of 0x01, 0x02 and 0x07. Never use them for anything else. */
export const alice = fixedKey(0x01);
export const bob = fixedKey(0x02);
export const sequencer = fixedKey(0x07);

export const transfers: TransferBody[] = [
  { v: 1, type: 'transfer', from: alice.address, to: bob.address, amount: '1500', nonce: 1, memo: 'お茶代 ☕', time: '2025-04-01T09:30:00.000Z' },
  { v: 1, type: 'transfer', from: bob.address, to: alice.address, amount: '250', nonce: 1, memo: '', time: '2025-04-01T09:30:00.250Z' },
  {
    v: 1,
    type: 'transfer',
    from: alice.address,
    to: bob.address,
    amount: '9007199254740991',
    nonce: 2,
    memo: 'the largest amount',
    time: '2025-04-01T09:30:00.500Z',
  },
];

/** The tick counts before each event and after the last one. */
export const POH_TICKS = { before: [3, 0, 5], after: 2 };

export const GENESIS_TIME = '2025-04-01T00:00:00.000Z';
export const BLOCK1_TIME = '2025-04-01T09:30:01.000Z';

function fixedKey(byte: number) {
  const secretKey = new Uint8Array(32).fill(byte);
  const publicKey = publicKeyOf(secretKey);
  return { secretKey, publicKey, address: formatAddress('kyoto', publicKey) };
}

export function transactionVectors() {
  const first = transfers[0]!;
  return {
    source: SOURCE,
    secretKey: bytesToHex(alice.secretKey),
    publicKey: bytesToHex(alice.publicKey),
    body: first,
    canonicalJson: canonicalJson(first),
    signingBytes: bytesToHex(signingBytes(first)),
    txid: transactionId(first),
    signature: signTransfer(first, alice.secretKey).signature,
    more: transfers.slice(1).map((body) => {
      const key = body.from === alice.address ? alice : bob;
      return { secretKey: bytesToHex(key.secretKey), body, txid: transactionId(body), signature: signTransfer(body, key.secretKey).signature };
    }),
  };
}

export function pohVectors() {
  const start = pohGenesis('kyoto');
  const recorder = new PohRecorder(start);
  const entries: PohEntry[] = transfers.map((body, i) => {
    recorder.tickN(POH_TICKS.before[i]!);
    return recorder.record(hexToBytes(transactionId(body)));
  });
  recorder.tickN(POH_TICKS.after);
  return {
    source: SOURCE,
    municipality: 'kyoto',
    start: bytesToHex(start),
    ticksBefore: POH_TICKS.before,
    ticksAfter: POH_TICKS.after,
    entries,
    end: bytesToHex(recorder.hash),
    endCount: recorder.count,
  };
}

export function blockVectors() {
  const sequencerHex = bytesToHex(sequencer.publicKey);
  const genesis = genesisHeader('kyoto', GENESIS_TIME, sequencerHex);
  const g = signBlock(genesis, sequencer.secretKey);
  const poh = pohVectors();
  const txIds = transfers.map(transactionId);
  const header: BlockHeader = {
    v: 1,
    municipality: 'kyoto',
    height: 1,
    prevHash: g.hash,
    time: BLOCK1_TIME,
    txRoot: txRootOf(txIds),
    txCount: txIds.length,
    pohEnd: poh.end,
    pohCount: genesis.pohCount + poh.endCount,
    sequencer: sequencerHex,
  };
  const b = signBlock(header, sequencer.secretKey);
  return {
    source: SOURCE,
    sequencerSecretKey: bytesToHex(sequencer.secretKey),
    genesis: { header: genesis, canonicalJson: canonicalJson(genesis), hash: g.hash, signature: g.signature },
    block1: { header, canonicalJson: canonicalJson(header), hash: b.hash, signature: b.signature, txIds, poh: poh.entries },
  };
}

/** Fixed key of the main chain in the vectors (32 bytes of 0x09) and of osaka's recipient (0x03). */
export const mainchain = fixedKey(0x09);
export const carol = { ...fixedKey(0x03), address: formatAddress('osaka', publicKeyOf(new Uint8Array(32).fill(0x03))) };
const ORDER_TIME = '2025-04-01T09:30:02.000Z';
const MAIN_BLOCK1_TIME = '2025-04-01T09:30:03.000Z';
const MAIN_TICKS = 10;

/** A message as an independent implementation would build it, and what is made of it. */
const message = (bytes: Uint8Array) => ({ bytes: bytesToHex(bytes), sha256: sha256Hex(bytes) });

/**
 * One vector per element of docs/PROTOCOL.md §6–§10 that transaction.json, poh.json and block.json
 * do not cover, on the chain of block.json: the genesis allocations' root, an inclusion proof with
 * its parent, an anchor event and the main-chain block sealing it, a credit entry, its abort and
 * its chained step event ids, a proposal, a vote and an outcome, a checkpoint and a consistency
 * proof between two heights. Every hashed or signed message is given as its bytes (hex).
 */
export function protocolVectors() {
  const sequencerHex = bytesToHex(sequencer.publicKey);
  const blocks = blockVectors();
  const main = bytesToHex(mainchain.publicKey);

  // §6 genesis allocations
  const allocations = [
    { address: alice.address, amount: '1000000' },
    { address: bob.address, amount: '250' },
  ];
  const genesisHeader2: BlockHeader = { ...genesisHeader('kyoto', GENESIS_TIME, sequencerHex), txRoot: allocationsRoot(allocations) };
  const genesisWithAllocations = {
    allocations,
    leaves: allocations.map((a) => ({ canonicalJson: canonicalJson(a), leaf: bytesToHex(allocationLeaf(a)) })),
    txRoot: allocationsRoot(allocations),
    header: genesisHeader2,
    ...signBlock(genesisHeader2, sequencer.secretKey),
  };

  // §6 inclusion proof of block 1's second transfer
  const ids = blocks.block1.txIds.map(hexToBytes);
  const inclusion = {
    txid: blocks.block1.txIds[1]!,
    index: 1,
    treeSize: ids.length,
    path: inclusionProof(ids, 1).map(bytesToHex),
    root: blocks.block1.header.txRoot,
    parent: { hash: blocks.genesis.hash, pohEnd: blocks.genesis.header.pohEnd, pohCount: blocks.genesis.header.pohCount },
  };

  // §7 the anchor of kyoto's block 1 and the main-chain block 1 sealing it
  const anchorRef = { v: 1, municipality: 'kyoto', height: 1, hash: blocks.block1.hash };
  const anchor = {
    body: anchorRef,
    canonicalJson: canonicalJson(anchorRef),
    ...message(concatBytes(utf8(ANCHOR_DOMAIN), canonicalBytes(anchorRef))),
    eventId: anchorEventId(anchorRef),
  };
  const mainGenesis = genesisHeader(MAIN_CHAIN, GENESIS_TIME, main);
  const mainGenesisSigned = signBlock(mainGenesis, mainchain.secretKey);
  const mainBlock1 = sealNext({ header: mainGenesis, hash: mainGenesisSigned.hash }, [anchor.eventId], {
    time: new Date(MAIN_BLOCK1_TIME),
    ticksPerEvent: MAIN_TICKS,
    secretKey: mainchain.secretKey,
    sequencer: main,
  });

  // §8 a transfer from kyoto to osaka (nonce 3 of alice), its credit entry, abort and steps
  const transfer: TransferBody = {
    v: 1,
    type: 'transfer',
    from: alice.address,
    to: carol.address,
    amount: '700',
    nonce: 3,
    memo: '',
    time: '2025-04-01T09:30:00.750Z',
  };
  const txid = transactionId(transfer);
  const credit: SettlementBody = { v: 1, type: 'credit', settlement: txid, from: transfer.from, to: transfer.to, amount: transfer.amount, time: ORDER_TIME };
  const creditId = settlementEntryId(credit);
  const refund: SettlementBody = { v: 1, type: 'refund', settlement: txid, from: transfer.to, to: transfer.from, amount: transfer.amount, time: ORDER_TIME };
  const settlement = `kyoto:${txid}`;
  const stepsOf = (steps: SettlementStatus[], orders: { credit?: string; refund?: string }) => {
    const eventIds = settlementEventIds(settlement, steps, orders);
    return steps.map((status, i) => {
      const body = { v: 2, settlement, status, entry: stepEntry(status, orders), prev: i === 0 ? '' : eventIds[i - 1]! };
      return { status, body, ...message(concatBytes(utf8(SETTLEMENT_EVENT_DOMAIN), canonicalBytes(body))), eventId: eventIds[i]! };
    });
  };
  const refundId = settlementEntryId(refund);

  // §9 a proposal, a vote on it and its outcome
  const proposal: ProposalBody = {
    v: 1,
    id: '1',
    title: 'Resume osaka',
    description: '',
    proposer: 'operator',
    action: { type: 'resumeMunicipality', code: 'osaka' },
    submittedAt: '2025-04-01T10:00:00.000Z',
    votingEndsAt: '2025-04-03T10:00:00.000Z',
    electorate: [{ code: 'kyoto', governanceKey: sequencerHex }],
    rules: DEFAULT_RULES,
  };
  const proposalHash = proposalEventId(proposal);
  const voteBody: VoteBody = { v: 1, type: 'vote', proposal: '1', proposalHash, municipality: 'kyoto', option: 'YES', time: '2025-04-01T10:05:00.000Z' };
  const vote = signVote(voteBody, sequencer.secretKey);
  const outcome: OutcomeBody = {
    v: 1,
    proposal: '1',
    proposalHash,
    status: 'PASSED',
    tally: { yes: 1, no: 0, abstain: 0, veto: 0, pending: 0 },
    votes: [vote.id],
    failure: null,
  };

  // §10 checkpoints of kyoto at heights 0 and 1, and the consistency proof between them
  const leaves = [blocks.genesis.hash, blocks.block1.hash].map(hexToBytes);
  const checkpointAt = (height: number) => {
    const body = { v: 1 as const, municipality: 'kyoto', height, root: bytesToHex(merkleRoot(leaves.slice(0, height + 1))) };
    return { body, bytes: bytesToHex(checkpointBytes(body)), ...signCheckpoint(body, sequencer.secretKey, sequencerHex) };
  };

  return {
    source: SOURCE,
    keys: {
      sequencerSecretKey: bytesToHex(sequencer.secretKey),
      mainchainSecretKey: bytesToHex(mainchain.secretKey),
      mainchainPublicKey: main,
      aliceSecretKey: bytesToHex(alice.secretKey),
    },
    genesisAllocations: genesisWithAllocations,
    inclusionProof: inclusion,
    anchor,
    mainBlock: {
      genesis: { header: mainGenesis, canonicalJson: canonicalJson(mainGenesis), ...mainGenesisSigned },
      block1: {
        header: mainBlock1.header,
        canonicalJson: canonicalJson(mainBlock1.header),
        hash: mainBlock1.hash,
        signature: mainBlock1.signature,
        poh: mainBlock1.poh,
        pohJson: canonicalJson(mainBlock1.poh),
        ticksPerEvent: MAIN_TICKS,
      },
    },
    settlement: {
      transfer: { body: transfer, txid, signature: signTransfer(transfer, alice.secretKey).signature },
      credit: {
        body: credit,
        canonicalJson: canonicalJson(credit),
        ...message(settlementBytes(credit)),
        id: creditId,
        signature: signSettlement(credit, mainchain.secretKey).signature,
      },
      abort: { ...message(abortBytes(creditId)), signature: bytesToHex(sign(abortBytes(creditId), mainchain.secretKey)) },
      refund: { body: refund, id: refundId, signature: signSettlement(refund, mainchain.secretKey).signature },
      credited: stepsOf(['ESCROWED', 'CREDITING', 'CREDITED'], { credit: creditId }),
      refundedAfterAbort: stepsOf(['ESCROWED', 'CREDITING', 'ABORTING', 'REFUNDING', 'REFUNDED'], { credit: creditId, refund: refundId }),
    },
    governance: {
      proposal: {
        body: proposal,
        canonicalJson: canonicalJson(proposal),
        ...message(concatBytes(utf8(PROPOSAL_DOMAIN), canonicalBytes(proposal))),
        eventId: proposalHash,
      },
      vote: { body: voteBody, canonicalJson: canonicalJson(voteBody), ...message(voteBytes(voteBody)), signature: vote.signature, eventId: vote.id },
      outcome: {
        body: outcome,
        canonicalJson: canonicalJson(outcome),
        ...message(concatBytes(utf8(OUTCOME_DOMAIN), canonicalBytes(outcome))),
        eventId: outcomeEventId(outcome),
      },
    },
    checkpoint: {
      blockHashes: leaves.map(bytesToHex),
      at0: checkpointAt(0),
      at1: checkpointAt(1),
      consistency0to1: consistencyProof(leaves, 1).map(bytesToHex),
    },
  };
}

export function write(): void {
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const files = { 'transaction.json': transactionVectors(), 'poh.json': pohVectors(), 'block.json': blockVectors(), 'protocol.json': protocolVectors() };
  for (const [name, data] of Object.entries(files)) writeFileSync(`${dir}${name}`, `${JSON.stringify(data, null, 2)}\n`);
  // A cheap self-check that what was written is what the code computes now.
  if (blockHash(files['block.json'].block1.header) !== files['block.json'].block1.hash) throw new Error('block hash changed');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) write();
