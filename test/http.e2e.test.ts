/**
 * Every service's HTTP listener (runtime/http.ts) against clients that hold sockets: one that
 * sends its headers a byte at a time is cut off after AIKI_HTTP_HEADERS_TIMEOUT_MS, sockets past
 * AIKI_HTTP_MAX_CONNECTIONS are closed at once, and an upload its client aborts is logged quietly,
 * without a stack — the service answering all along. A main-chain process, as `npm start` runs it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../cluster/services.ts';
import { dropDatabases, eventually, mongoUri, uniquePrefix } from './support/helpers.ts';

const prefix = uniquePrefix('http');
const dir = mkdtempSync(join(tmpdir(), 'aiki-http-'));
const logs: string[] = [];
let service: ServiceProcess;
let port: number;

beforeAll(async () => {
  service = await spawnService('mainchain', 'mainchain', {
    env: {
      MONGODB_URI: mongoUri(),
      AIKI_DB_NAME: `${prefix}_main`,
      AIKI_PORT: '0',
      AIKI_DATA_DIR: dir,
      AIKI_LOG_LEVEL: 'debug',
      AIKI_HTTP_HEADERS_TIMEOUT_MS: '1000',
      AIKI_HTTP_MAX_CONNECTIONS: '3',
    },
    onLog: (line) => void logs.push(line),
  });
  port = Number(new URL(service.url).port);
});

afterAll(async () => {
  await service?.stop();
  await dropDatabases(mongoUri(), prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** A raw TCP connection to the service, with whether and when the server closed it. */
async function open(): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect(port, '127.0.0.1');
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  socket.on('data', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, closed: () => closed };
}

/** GET /health on a connection of its own, closed after the answer (no socket kept for the next test). */
const healthy = () =>
  new Promise<number>((resolve) => {
    get({ host: '127.0.0.1', port, path: '/health', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', () => resolve(0));
  });

describe('HTTP listeners against clients that hold sockets', () => {
  it('cuts off a client that never finishes its headers', async () => {
    const { socket, closed } = await open();
    socket.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // and never the blank line
    const drip = setInterval(() => socket.writable && socket.write('X-Drip: 1\r\n'), 200);
    try {
      await eventually(async () => (closed() ? true : undefined), 20_000, 'the server to close the slow client');
    } finally {
      clearInterval(drip);
    }
    expect(await healthy()).toBe(200);
  });

  it('closes sockets beyond its connection cap at once, and serves again when they go', async () => {
    // Each held socket has been answered, and stays open (keep-alive); the one over the cap is closed unanswered.
    const ask = async () => {
      const c = await open();
      let answer = '';
      c.socket.on('data', (d: Buffer) => (answer += d.toString()));
      c.socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n');
      return { ...c, answer: () => answer };
    };
    await eventually(async () => ((await healthy()) === 200 ? true : undefined), 20_000, 'earlier sockets to be gone');
    const held = [await ask(), await ask(), await ask()];
    try {
      for (const h of held) await eventually(async () => (h.answer().includes('200 OK') ? true : undefined), 20_000, 'a held socket to be answered');
      const extra = await ask();
      await eventually(async () => (extra.closed() ? true : undefined), 20_000, 'the socket over the cap to be closed');
      expect(extra.answer()).toBe('');
    } finally {
      for (const h of held) h.socket.destroy();
    }
    await eventually(async () => ((await healthy()) === 200 ? true : undefined), 20_000, 'the service to answer again');
  });

  it('logs an upload its client aborts quietly, without a stack', async () => {
    const before = logs.length;
    const { socket } = await open();
    // Expect: 100-continue — the server's "100 Continue" says it has the request and reads the body.
    const continued = new Promise((resolve) => socket.on('data', (d: Buffer) => d.toString().includes('100 Continue') && resolve(true)));
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n');
    await continued;
    socket.write('{"query":"');
    socket.destroy();
    await eventually(async () => (logs.slice(before).some((l) => l.includes('aborted by its client')) ? true : undefined), 20_000, 'the abort to be logged');
    const lines = logs.slice(before);
    expect(lines.filter((l) => /"level":"(error|warn)"/.test(l))).toEqual([]);
    expect(lines.filter((l) => l.includes('"stack"'))).toEqual([]);
    expect(await healthy()).toBe(200);
  });
});
