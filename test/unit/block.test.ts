import { createPrivateKey, sign as opensslSign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, sha256Hex, utf8, concatBytes } from '../../core/bytes.ts';
import { BLOCK_FIELDS, GENESIS_PREV_HASH, blockHash, checkBlock, genesisHeader, headerOf, signBlock, txRootOf, type BlockHeader } from '../../core/block.ts';
import { canonicalBytes, canonicalJson } from '../../core/canonical.ts';
import { AikiError } from '../../core/errors.ts';
import { merkleRoot } from '../../core/merkle.ts';
import { pohGenesis, type PohEntry } from '../../core/poh.ts';
import { BLOCK1_TIME, GENESIS_TIME, sequencer } from '../vectors/generate.ts';
import { vectors } from '../vectors/load.ts';

type Signed = { header: BlockHeader; canonicalJson: string; hash: string; signature: string };
const v = vectors<{ sequencerSecretKey: string; genesis: Signed; block1: Signed & { txIds: string[]; poh: PohEntry[] } }>('block.json');

function opensslSignature(message: Uint8Array, seed: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
  return opensslSign(null, message, key).toString('hex');
}

const genesis = { header: v.genesis.header, hash: v.genesis.hash };

/** Block 1 of block.json with `change` applied to a copy, re-hashed and re-signed by the sequencer (unless `resign` is false). */
function block1(change: (b: { header: BlockHeader; txIds: string[]; poh: PohEntry[] }) => void = () => {}, resign = true) {
  const b = structuredClone({ header: v.block1.header, txIds: v.block1.txIds, poh: v.block1.poh });
  change(b);
  const { hash, signature } = resign ? signBlock(b.header, sequencer.secretKey) : v.block1;
  return { ...b, hash, signature };
}

function badBlock(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AikiError);
    expect((e as AikiError).code).toBe('BAD_BLOCK');
    return (e as AikiError).message;
  }
  throw new Error('checkBlock accepted the block');
}

describe('block vectors', () => {
  it('reproduces the genesis header of kyoto, its hash and signature', () => {
    const h = genesisHeader('kyoto', GENESIS_TIME, bytesToHex(sequencer.publicKey));
    expect(h).toEqual(v.genesis.header);
    expect(h.prevHash).toBe(GENESIS_PREV_HASH);
    expect(h.txRoot).toBe(bytesToHex(merkleRoot([])));
    expect(h.pohEnd).toBe(bytesToHex(pohGenesis('kyoto')));
    expect(canonicalJson(h)).toBe(v.genesis.canonicalJson);
    expect(signBlock(h, hexToBytes(v.sequencerSecretKey))).toEqual({ hash: v.genesis.hash, signature: v.genesis.signature });
  });

  it('hashes the domain "aiki/block/v1\\n" and the canonical header', () => {
    expect(blockHash(v.block1.header)).toBe(sha256Hex(concatBytes(utf8('aiki/block/v1\n'), canonicalBytes(v.block1.header))));
    expect(v.block1.header.time).toBe(BLOCK1_TIME);
  });

  it('reproduces block 1 and node:crypto signs its hash to the same signature', () => {
    expect(canonicalJson(v.block1.header)).toBe(v.block1.canonicalJson);
    expect(blockHash(v.block1.header)).toBe(v.block1.hash);
    expect(txRootOf(v.block1.txIds)).toBe(v.block1.header.txRoot);
    expect(signBlock(v.block1.header, sequencer.secretKey).signature).toBe(v.block1.signature);
    expect(opensslSignature(hexToBytes(v.block1.hash), sequencer.secretKey)).toBe(v.block1.signature);
    expect(opensslSignature(hexToBytes(v.genesis.hash), sequencer.secretKey)).toBe(v.genesis.signature);
  });

  it('accepts the genesis block and block 1', () => {
    expect(() => checkBlock(v.genesis.header, v.genesis.hash, v.genesis.signature, null, [], [])).not.toThrow();
    expect(() => checkBlock(v.block1.header, v.block1.hash, v.block1.signature, genesis, v.block1.txIds, v.block1.poh)).not.toThrow();
  });

  it('accepts an empty block that only ticks', () => {
    const parent = { header: v.block1.header, hash: v.block1.hash };
    const header: BlockHeader = { ...v.block1.header, height: 2, prevHash: v.block1.hash, txRoot: txRootOf([]), txCount: 0 };
    const { hash, signature } = signBlock(header, sequencer.secretKey);
    expect(() => checkBlock(header, hash, signature, parent, [], [])).not.toThrow();
  });

  it('takes the header out of a block as the API serves it (hash, signature, transactions beside it), to the same hash', () => {
    const served = { ...v.block1.header, hash: v.block1.hash, signature: v.block1.signature, transactions: v.block1.txIds, id: 'kyoto:1' };
    const header = headerOf(served);
    expect(header).toEqual(v.block1.header);
    expect(Object.keys(header).sort()).toEqual([...BLOCK_FIELDS]);
    expect(blockHash(header)).toBe(v.block1.hash);
  });
});

describe('checkBlock refuses', () => {
  const check =
    (b: ReturnType<typeof block1>, parent: typeof genesis | null = genesis) =>
    () =>
      checkBlock(b.header, b.hash, b.signature, parent, b.txIds, b.poh);

  it('a hash that does not match the header', () => {
    const b = block1();
    expect(badBlock(check({ ...b, hash: v.genesis.hash }))).toMatch(/^hash mismatch/);
  });

  it('a header changed after signing', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.time = '2025-04-01T09:30:02.000Z';
          }, false),
        ),
      ),
    ).toMatch(/^hash mismatch/);
  });

  it('a signature by another key', () => {
    const b = block1();
    const other = signBlock(b.header, new Uint8Array(32).fill(9)).signature;
    expect(badBlock(check({ ...b, signature: other }))).toMatch(/^signature invalid: it does not verify/);
  });

  it('a signature that is not 128 hex', () => {
    expect(badBlock(check({ ...block1(), signature: 'ab' }))).toMatch(/^signature invalid: it is not 128/);
  });

  it('a height that is not the parent height + 1', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.height = 2;
          }),
        ),
      ),
    ).toMatch(/^height 2 is not parent height 0 \+ 1/);
  });

  it('a prevHash that is not the parent hash', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.prevHash = 'ab'.repeat(32);
          }),
        ),
      ),
    ).toMatch(/^prevHash .* is not the parent's hash/);
  });

  it('another municipality than the parent', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.municipality = 'osaka';
          }),
        ),
      ),
    ).toMatch(/^municipality osaka differs from the parent's kyoto/);
  });

  it('a time earlier than the parent time', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.time = '2025-03-31T23:59:59.999Z';
          }),
        ),
      ),
    ).toMatch(/^time .* is earlier than the parent's/);
  });

  it('a txRoot that is not the root of the transaction ids', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.txRoot = txRootOf(b.txIds.slice(0, 2));
          }),
        ),
      ),
    ).toMatch(/^txRoot .* is not the Merkle root/);
  });

  it('transactions in another order', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.txIds.reverse();
          }),
        ),
      ),
    ).toMatch(/^txRoot .* is not the Merkle root/);
  });

  it('a txCount that is not the number of transactions', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.txCount = 2;
          }),
        ),
      ),
    ).toMatch(/^txCount 2 is not the 3 transactions given/);
  });

  it('PoH entries whose events are not the transaction ids in order', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            [b.poh[0], b.poh[1]] = [b.poh[1]!, b.poh[0]!];
          }),
        ),
      ),
    ).toMatch(/^PoH entry 0 records event/);
  });

  it('fewer PoH entries than transactions', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.poh.pop();
          }),
        ),
      ),
    ).toMatch(/^PoH has 2 entries for 3 transactions/);
  });

  it('a PoH segment that does not end at pohEnd', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.pohEnd = b.poh[2]!.hash;
          }),
        ),
      ),
    ).toMatch(/^PoH segment .* does not end at pohEnd\/pohCount/);
  });

  it('a pohCount that is not the hashes done', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.header.pohCount += 1;
          }),
        ),
      ),
    ).toMatch(/^PoH segment .* does not end at pohEnd\/pohCount/);
  });

  it('a PoH entry with a forged hash', () => {
    expect(
      badBlock(
        check(
          block1((b) => {
            b.poh[1] = { ...b.poh[1]!, hash: 'cd'.repeat(32) };
          }),
        ),
      ),
    ).toMatch(/entry 1: hash after/);
  });

  it('a PoH segment that does not start at the parent pohEnd', () => {
    const parentHeader: BlockHeader = { ...v.genesis.header, pohEnd: bytesToHex(pohGenesis('osaka')) };
    const parent = { header: parentHeader, hash: blockHash(parentHeader) };
    const b = block1((x) => {
      x.header.prevHash = parent.hash;
    });
    expect(badBlock(check(b, parent))).toMatch(/^PoH segment from/);
  });

  it('a genesis block with a height other than 0', () => {
    const header = { ...v.genesis.header, height: 1 };
    const { hash, signature } = signBlock(header, sequencer.secretKey);
    expect(badBlock(() => checkBlock(header, hash, signature, null, [], []))).toMatch(/^a genesis block must have height 0/);
  });

  it('a genesis block with another prevHash', () => {
    const header = { ...v.genesis.header, prevHash: 'ab'.repeat(32) };
    const { hash, signature } = signBlock(header, sequencer.secretKey);
    expect(badBlock(() => checkBlock(header, hash, signature, null, [], []))).toMatch(/^a genesis block must have prevHash 0{64}/);
  });

  it('a genesis block whose PoH does not start at the municipality seed', () => {
    const header = { ...v.genesis.header, pohEnd: bytesToHex(pohGenesis('osaka')) };
    const { hash, signature } = signBlock(header, sequencer.secretKey);
    expect(badBlock(() => checkBlock(header, hash, signature, null, [], []))).toMatch(/^PoH segment/);
  });

  it.each([
    [
      'an extra field',
      (h: Record<string, unknown>) => {
        h.extra = 1;
      },
      /unknown field extra/,
    ],
    [
      'a missing field',
      (h: Record<string, unknown>) => {
        delete h.txRoot;
      },
      /lacks txRoot/,
    ],
    [
      'version 2',
      (h: Record<string, unknown>) => {
        h.v = 2;
      },
      /v must be 1/,
    ],
    [
      'a fractional height',
      (h: Record<string, unknown>) => {
        h.height = 1.5;
      },
      /height must be a safe integer/,
    ],
    [
      'an upper-case sequencer key',
      (h: Record<string, unknown>) => {
        h.sequencer = (h.sequencer as string).toUpperCase();
      },
      /sequencer must be 64 lower-case hex/,
    ],
    [
      'a time without milliseconds',
      (h: Record<string, unknown>) => {
        h.time = '2025-04-01T09:30:01Z';
      },
      /time must be ISO 8601/,
    ],
    [
      'an operator object as prevHash',
      (h: Record<string, unknown>) => {
        h.prevHash = { $gt: '' };
      },
      /prevHash must be 64 lower-case hex/,
    ],
  ])('a header with %s', (_what, change, message) => {
    const header = structuredClone(v.block1.header) as unknown as Record<string, unknown>;
    change(header);
    expect(badBlock(() => checkBlock(header as unknown as BlockHeader, v.block1.hash, v.block1.signature, genesis, v.block1.txIds, v.block1.poh))).toMatch(
      message,
    );
  });
});
