/** Key files of the `aiki` CLI: JSON with the hex Ed25519 keys and the address, mode 0600. */
import { readFileSync, writeFileSync } from 'node:fs';
import { bytesToHex, formatAddress, generateKeyPair, hexToBytes, publicKeyOf } from '../core/index.ts';

export interface KeyFile {
  address: string;
  publicKey: string;
  secretKey: string;
}

export function newKeyFile(municipality: string, path: string): KeyFile {
  const { secretKey, publicKey } = generateKeyPair();
  const file = { address: formatAddress(municipality, publicKey), publicKey: bytesToHex(publicKey), secretKey: bytesToHex(secretKey) };
  writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
  return file;
}

export function readKeyFile(path: string): KeyFile & { secret: Uint8Array } {
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  const secret = hexToBytes(file.secretKey);
  if (bytesToHex(publicKeyOf(secret)) !== file.publicKey) throw new Error(`${path}: the public key does not match the secret key`);
  return { ...file, secret };
}
