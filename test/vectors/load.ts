/** Reads a vector file of this folder. */
import { readFileSync } from 'node:fs';

export function vectors<T = any>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
}
