/**
 * Development keys and secrets: one a service was not given is made once per data folder —
 * random, kept in a file of mode 0600 — and read back on every later start, so a restart keeps
 * it. Never derived from a constant: a published default key let anyone sign settlement orders.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The secret kept in `file` (`bytes` random bytes, hex), made now if there is none. Several
 * processes may start at once: the file appears whole or not at all (written aside, then linked).
 */
export function keptSecret(file: string, bytes = 32): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, randomBytes(bytes).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(aside);
  }
  return readFileSync(file, 'utf8').trim();
}
