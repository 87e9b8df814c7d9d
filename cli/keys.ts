/**
 * Key files of the `aiki` CLI. `aiki key new` writes JSON with the hex Ed25519 keys and the
 * address, mode 0600; `npm start` (and every service given no key) keeps a bare secret key — 64 hex
 * characters and a newline — in `<data folder>/keys/`. Both are read wherever a key file is asked for.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { bytesToHex, formatAddress, generateKeyPair, hexToBytes, isAddress, publicKeyOf } from '../core/index.ts';

export interface KeyFile {
  address: string;
  publicKey: string;
  secretKey: string;
}

/** A key read from a file: the secret, its public key, and the account's address when the file names one. */
export interface Key {
  secret: Uint8Array;
  publicKey: string;
  /** Absent for a bare secret key: it names no municipality. */
  address?: string;
}

const FORMATS =
  'a key file is the JSON of `aiki key new` ({"address", "publicKey", "secretKey"}) or a bare Ed25519 secret key of 64 hex characters (as npm start keeps in .data/keys/)';

/** Why a key file cannot be used: names the file and the formats accepted. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
}

export function newKeyFile(municipality: string, path: string): KeyFile {
  const { secretKey, publicKey } = generateKeyPair();
  const file = { address: formatAddress(municipality, publicKey), publicKey: bytesToHex(publicKey), secretKey: bytesToHex(secretKey) };
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

/** Reads either format; anything else is refused with a {@link KeyFileError} naming `path`. */
export function readKey(path: string): Key {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KeyFileError(`cannot read the key file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const bare = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(bare)) {
    const secret = hexToBytes(bare.toLowerCase());
    return { secret, publicKey: bytesToHex(publicKeyOf(secret)) };
  }
  let file: Partial<KeyFile>;
  try {
    file = JSON.parse(text) as Partial<KeyFile>;
  } catch {
    throw new KeyFileError(`${path} is not a key file: ${FORMATS}`);
  }
  if (typeof file !== 'object' || file === null || typeof file.secretKey !== 'string' || !/^[0-9a-f]{64}$/.test(file.secretKey)) {
    throw new KeyFileError(`${path} is not a key file (no "secretKey" of 64 lower-case hex characters): ${FORMATS}`);
  }
  const secret = hexToBytes(file.secretKey);
  const publicKey = bytesToHex(publicKeyOf(secret));
  if (file.publicKey !== undefined && file.publicKey !== publicKey) throw new KeyFileError(`${path}: the public key does not match the secret key`);
  if (file.address && (!isAddress(file.address) || !file.address.endsWith(`:${publicKey}`))) {
    throw new KeyFileError(`${path}: the address ${JSON.stringify(file.address)} is not the secret key's`);
  }
  return { secret, publicKey, ...(file.address ? { address: file.address } : {}) };
}

/** A key file of `aiki key new`: one that names its account's address (a bare secret key does not). */
export function readKeyFile(path: string): KeyFile & { secret: Uint8Array } {
  const key = readKey(path);
  if (!key.address) {
    throw new KeyFileError(
      `${path} holds a bare secret key, which names no account: an account's key file is the JSON of \`aiki key new\` ({"address", "publicKey", "secretKey"})`,
    );
  }
  return { address: key.address, publicKey: key.publicKey, secretKey: bytesToHex(key.secret), secret: key.secret };
}
