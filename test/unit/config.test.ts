/** Configuration from the environment: a bad value is refused at start, with the variable's name and what it accepts (issue 18, point 9). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envChoice, envLogLevel, envUrl } from '../../runtime/env.ts';

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['AIKI_TEST_URL', 'AIKI_TEST_CHOICE']) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('configuration', () => {
  it('refuses AIKI_LOG_LEVEL=verbose, naming the variable and the levels', () => {
    process.env.AIKI_LOG_LEVEL = 'verbose';
    expect(() => envLogLevel()).toThrow('AIKI_LOG_LEVEL must be one of debug, info, warn, error (got "verbose")');
    process.env.AIKI_LOG_LEVEL = 'warn';
    expect(envLogLevel()).toBe('warn');
    delete process.env.AIKI_LOG_LEVEL;
    expect(envLogLevel()).toBe('info');
  });

  it('refuses a URL that is not http(s), naming the variable', () => {
    process.env.AIKI_TEST_URL = 'localhost:4001';
    expect(() => envUrl('AIKI_TEST_URL')).toThrow('AIKI_TEST_URL must be an http:// or https:// URL');
    process.env.AIKI_TEST_URL = 'not a url';
    expect(() => envUrl('AIKI_TEST_URL', 'http://x')).toThrow(/AIKI_TEST_URL .*got "not a url"/);
    process.env.AIKI_TEST_URL = 'https://main.example/graphql';
    expect(envUrl('AIKI_TEST_URL')).toBe('https://main.example/graphql');
    delete process.env.AIKI_TEST_URL;
    expect(envUrl('AIKI_TEST_URL')).toBeUndefined();
    expect(envUrl('AIKI_TEST_URL', 'http://127.0.0.1:4001/graphql')).toBe('http://127.0.0.1:4001/graphql');
  });

  it('refuses a value outside a list, naming the accepted ones', () => {
    process.env.AIKI_TEST_CHOICE = 'sometimes';
    expect(() => envChoice('AIKI_TEST_CHOICE', ['0', '1', 'flight'], '1')).toThrow('AIKI_TEST_CHOICE must be one of 0, 1, flight (got "sometimes")');
    process.env.AIKI_TEST_CHOICE = 'flight';
    expect(envChoice('AIKI_TEST_CHOICE', ['0', '1', 'flight'], '1')).toBe('flight');
  });

  // A real service process: the bad value stops it before it touches anything.
  it.each([
    ['AIKI_MAINCHAIN_URL', 'mainchain:4001'],
    ['AIKI_LOG_LEVEL', 'verbose'],
  ])('a ledger started with %s=%s exits, naming the variable', (name, value) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aiki-config-'));
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'subgraphs/ledger/main.ts'], {
      env: { ...process.env, AIKI_MUNICIPALITY: 'kyoto', MONGODB_URI: 'mongodb://127.0.0.1:1', AIKI_DATA_DIR: dataDir, [name]: value },
      encoding: 'utf8',
      timeout: 60_000,
    });
    rmSync(dataDir, { recursive: true, force: true });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`${name} must be`);
  });
});
