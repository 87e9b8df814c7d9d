/** CORS decisions (runtime/cors.ts): what is listed gets its origin back with credentials; `*` without; nothing else. */
import { describe, expect, it } from 'vitest';
import { corsAnswer, listedOrigin, parseCorsOrigins } from '../../runtime/cors.ts';

describe('AIKI_CORS_ORIGINS', () => {
  it('reads origins, host wildcards and *', () => {
    expect(parseCorsOrigins(undefined)).toEqual({ origins: [], anyOrigin: false });
    expect(parseCorsOrigins(' https://app.example.jp , http://localhost:* ,*')).toEqual({
      origins: ['https://app.example.jp', 'http://localhost:*'],
      anyOrigin: true,
    });
  });

  it.each(['https://app.example.jp/', 'https://App.example.jp', 'app.example.jp', 'ftp://x.jp', 'https://x.jp/path', 'https://*.x.jp', 'null'])(
    'refuses %s with the variable named',
    (entry) => {
      expect(() => parseCorsOrigins(entry)).toThrow(/AIKI_CORS_ORIGINS/);
    },
  );

  it('matches exactly, or any port of a host with :*', () => {
    const policy = parseCorsOrigins('https://app.example.jp,http://localhost:*');
    expect(listedOrigin(policy, 'https://app.example.jp')).toBe(true);
    expect(listedOrigin(policy, 'https://app.example.jp:8443')).toBe(false);
    expect(listedOrigin(policy, 'http://app.example.jp')).toBe(false);
    expect(listedOrigin(policy, 'http://localhost:5173')).toBe(true);
    expect(listedOrigin(policy, 'http://localhost')).toBe(true);
    expect(listedOrigin(policy, 'http://localhost.evil.example:80')).toBe(false);
    expect(listedOrigin(policy, 'http://localhost:5173.evil.example')).toBe(false);
    expect(listedOrigin(policy, 'https://localhost:5173')).toBe(false);
  });
});

describe('corsAnswer', () => {
  const policy = parseCorsOrigins('https://app.example.jp');

  it('answers a listed origin with itself and credentials, and its preflight with what may be sent', () => {
    const simple = corsAnswer(policy, 'https://app.example.jp', 'POST', undefined);
    expect(simple.preflight).toBeUndefined();
    expect(simple.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example.jp',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    const pre = corsAnswer(policy, 'https://app.example.jp', 'OPTIONS', 'POST');
    expect(pre.preflight).toBe(204);
    expect(pre.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(pre.headers['access-control-allow-headers']).toContain('content-type');
    expect(pre.headers['access-control-allow-headers']).toContain('authorization');
  });

  it('gives another origin nothing, and refuses its preflight', () => {
    expect(corsAnswer(policy, 'https://evil.example', 'POST', undefined)).toEqual({ headers: { vary: 'Origin' } });
    expect(corsAnswer(policy, 'https://evil.example', 'OPTIONS', 'POST')).toEqual({ headers: { vary: 'Origin' }, preflight: 403 });
    expect(corsAnswer(parseCorsOrigins(''), 'https://app.example.jp', 'OPTIONS', 'POST').preflight).toBe(403);
  });

  it('lets any origin read with *, never with credentials', () => {
    const any = parseCorsOrigins('*');
    const answer = corsAnswer(any, 'https://anyone.example', 'OPTIONS', 'POST');
    expect(answer.preflight).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('leaves requests without Origin (curl, servers) as they are', () => {
    expect(corsAnswer(policy, undefined, 'POST', undefined)).toEqual({ headers: { vary: 'Origin' } });
  });
});
