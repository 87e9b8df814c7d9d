/**
 * Which addresses the federation calls when an operator gives it a URL (a municipality's ledger
 * endpoints, an extension subgraph's URL): never a link-local address (169.254.0.0/16, fe80::/10
 * — where cloud metadata services answer), nor multicast or reserved ones; private and loopback
 * addresses only in development (AIKI_ALLOW_PRIVATE_ENDPOINTS=1, which `npm start` and the tests
 * set). The check is on the address connected to, after DNS: a name that resolves to a refused
 * address is refused, whatever it looks like.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

type Kind = 'unusable' | 'link-local' | 'loopback' | 'private';

const RANGES: Array<[Kind, string, number, 'ipv4' | 'ipv6']> = [
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['unusable', '224.0.0.0', 4, 'ipv4'], // multicast
  ['unusable', '240.0.0.0', 4, 'ipv4'], // reserved, and the broadcast address
  ['unusable', 'ff00::', 8, 'ipv6'], // multicast
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '0.0.0.0', 8, 'ipv4'], // "this host": a connection to it reaches the loopback
  ['loopback', '::1', 128, 'ipv6'],
  ['loopback', '::', 128, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['private', '192.0.0.0', 24, 'ipv4'],
  ['private', '198.18.0.0', 15, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'], // unique local
  ['private', 'fec0::', 10, 'ipv6'], // site-local (deprecated)
];

const lists = new Map<Kind, BlockList>();
for (const [kind, network, prefix, family] of RANGES) {
  const list = lists.get(kind) ?? new BlockList();
  lists.set(kind, list);
  list.addSubnet(network, prefix, family);
  // The same IPv4 range written as an IPv4-mapped IPv6 address (::ffff:127.0.0.1).
  if (family === 'ipv4') list.addSubnet(`::ffff:${network}`, 96 + prefix, 'ipv6');
}

/** Why the federation does not call `address` (an IP), or undefined when it may; `allowPrivate`: AIKI_ALLOW_PRIVATE_ENDPOINTS=1 (runtime/env.ts). */
export function addressRefusal(address: string, allowPrivate: boolean): string | undefined {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of lists) {
    if (!list.check(address, family)) continue;
    if (kind === 'link-local') return `${address} is a link-local address`;
    if (kind === 'unusable') return `${address} is not a unicast address`;
    if (!allowPrivate) return `${address} is a ${kind} address (allowed only in development: AIKI_ALLOW_PRIVATE_ENDPOINTS=1)`;
  }
  return undefined;
}

/** Thrown by {@link guardedLookup} (and for a literal address) when the target is refused. */
export class EndpointRefused extends Error {
  override name = 'EndpointRefused';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http that resolves a name and refuses it when any of its addresses is
 * refused (a name with one public and one internal address could be made to connect to either).
 * node:net does not call `lookup` for a literal IP: check those with {@link addressRefusal} first.
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { family: options.family, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      for (const { address } of addresses) {
        const why = addressRefusal(address, allowPrivate);
        if (why) return callback(new EndpointRefused(`${hostname} resolves to ${why}`) as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
