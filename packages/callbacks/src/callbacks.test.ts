// The SSRF guard, signatures and one delivery attempt against a real local HTTP server.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postCallback } from './deliver';
import { blockedReason, checkCallbackUrl, EMPTY_ALLOWLIST, parseAllowlist } from './guard';
import { signPayload, verifySignature } from './signature';
import { callbackSubjectRefusal } from './subject';

describe('blockedReason', () => {
  it('names loopback, private, link-local and mapped addresses, and passes public ones', () => {
    expect(blockedReason('127.0.0.1')).toBe('a loopback address');
    expect(blockedReason('10.1.2.3')).toBe('a private address');
    expect(blockedReason('172.31.255.255')).toBe('a private address');
    expect(blockedReason('192.168.0.10')).toBe('a private address');
    expect(blockedReason('169.254.169.254')).toBe('a link-local address');
    expect(blockedReason('::1')).toBe('a loopback address');
    expect(blockedReason('fe80::1')).toBe('a link-local address');
    expect(blockedReason('fd00::5')).toBe('a private (unique local) address');
    expect(blockedReason('::ffff:127.0.0.1')).toBe('a loopback address');
    expect(blockedReason('::ffff:7f00:1')).toBe('a loopback address');
    expect(blockedReason('0.0.0.0')).toBe('an unspecified ("this network") address');
    expect(blockedReason('93.184.216.34')).toBeUndefined();
    expect(blockedReason('172.32.0.1')).toBeUndefined();
    expect(blockedReason('2606:4700::1111')).toBeUndefined();
  });
});

describe('checkCallbackUrl', () => {
  const resolveTo =
    (...addresses: string[]) =>
    async () =>
      addresses;

  it('refuses http://127.0.0.1 without the allow-list, with the reason', async () => {
    const check = await checkCallbackUrl('http://127.0.0.1:8080/hook', EMPTY_ALLOWLIST);
    expect(check).toEqual({
      ok: false,
      reason:
        '127.0.0.1 resolves to 127.0.0.1, a loopback address; callbacks may reach it only if ORDO_CALLBACK_ALLOWLIST allows it',
    });
  });

  it('refuses a name when any of its addresses is private (checked through the resolver)', async () => {
    const check = await checkCallbackUrl(
      'https://hooks.example.test/x',
      EMPTY_ALLOWLIST,
      resolveTo('93.184.216.34', '10.0.0.1'),
    );
    expect(check.ok).toBe(false);
    expect(
      await checkCallbackUrl('https://hooks.example.test/x', EMPTY_ALLOWLIST, resolveTo('93.184.216.34')),
    ).toMatchObject({
      ok: true,
    });
  });

  it('allows what the allow-list names: an address, a CIDR or a host', async () => {
    const allow = parseAllowlist('127.0.0.1, 10.0.0.0/8,hooks.internal');
    expect((await checkCallbackUrl('http://127.0.0.1:1/', allow)).ok).toBe(true);
    expect((await checkCallbackUrl('http://10.9.8.7/', allow)).ok).toBe(true);
    expect((await checkCallbackUrl('http://192.168.1.1/', allow)).ok).toBe(false);
    expect((await checkCallbackUrl('http://hooks.internal/', allow, resolveTo('192.168.1.1'))).ok).toBe(true);
  });

  it('refuses other schemes, credentials and names that do not resolve', async () => {
    expect(await checkCallbackUrl('ftp://example.test/', EMPTY_ALLOWLIST)).toMatchObject({ ok: false });
    expect(await checkCallbackUrl('https://u:p@example.test/', EMPTY_ALLOWLIST)).toMatchObject({ ok: false });
    expect(await checkCallbackUrl('not a url', EMPTY_ALLOWLIST)).toEqual({
      ok: false,
      reason: '"not a url" is not a URL',
    });
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await checkCallbackUrl('https://nowhere.test/', EMPTY_ALLOWLIST, failing)).toMatchObject({
      ok: false,
    });
  });

  it('refuses a malformed allow-list entry', () => {
    expect(() => parseAllowlist('10.0.0.0/33')).toThrow(/prefix length/);
    expect(() => parseAllowlist('a b')).toThrow(/not a host name/);
  });
});

describe('signatures', () => {
  const body = '{"resource":"r1","new_state":"stopped"}';

  it('verifies what was signed and rejects a forgery and a replay', () => {
    const now = 1_800_000_000_000;
    const ts = Math.floor(now / 1000);
    const signature = signPayload('secret', ts, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature('secret', { timestamp: String(ts), signature }, body, { now })).toEqual({
      ok: true,
    });
    expect(verifySignature('other', { timestamp: String(ts), signature }, body, { now })).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
    expect(verifySignature('secret', { timestamp: String(ts), signature }, `${body} `, { now }).ok).toBe(
      false,
    );
    expect(
      verifySignature('secret', { timestamp: String(ts), signature }, body, { now: now + 600_000 }),
    ).toEqual({
      ok: false,
      reason: 'timestamp is 600 s old',
    });
  });
});

describe('postCallback', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  function urlOf(s: Server, path: string): Promise<string> {
    return new Promise((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}${path}`)),
    );
  }

  function listen(handler: (req: IncomingMessage, body: string) => number): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        res.statusCode = handler(req, body);
        res.end();
      });
    });
    return urlOf(server, '/hook');
  }

  it('delivers a body the receiver can verify', async () => {
    let verified: unknown;
    const url = await listen((req, body) => {
      verified = verifySignature(
        's3cret',
        {
          timestamp: req.headers['ordo-timestamp'] as string,
          signature: req.headers['ordo-signature'] as string,
        },
        body,
      );
      return 204;
    });
    const attempt = await postCallback(url, '{"a":1}', 's3cret', { allowlist: parseAllowlist('127.0.0.1') });
    expect(attempt).toMatchObject({ ok: true, status: 204, error: null });
    expect(verified).toEqual({ ok: true });
  });

  it('reports a 500 as a failed attempt with the status', async () => {
    const url = await listen(() => 500);
    const attempt = await postCallback(url, '{}', 's', { allowlist: parseAllowlist('127.0.0.1') });
    expect(attempt).toMatchObject({
      ok: false,
      status: 500,
      error: 'HTTP 500 Internal Server Error',
      refused: false,
    });
  });

  it('does not connect to a loopback receiver unless allowed (checked at connect time)', async () => {
    let reached = false;
    const url = (
      await listen(() => {
        reached = true;
        return 200;
      })
    ).replace('127.0.0.1', 'localhost');
    const attempt = await postCallback(url, '{}', 's', { allowlist: EMPTY_ALLOWLIST });
    expect(attempt.ok).toBe(false);
    expect(attempt.error).toMatch(/loopback address/);
    expect(attempt.refused).toBe(true);
    expect(reached).toBe(false);
  });

  it('refuses an IP literal too (Node dials one without a lookup)', async () => {
    let reached = false;
    const url = await listen(() => {
      reached = true;
      return 200;
    });
    const attempt = await postCallback(url, '{}', 's', { allowlist: EMPTY_ALLOWLIST });
    expect(attempt).toMatchObject({ ok: false, status: null, refused: true });
    expect(attempt.error).toMatch(/^127\.0\.0\.1 resolves to 127\.0\.0\.1, a loopback address/);
    expect(reached).toBe(false);
    const ipv6 = await postCallback('http://[::1]:9/', '{}', 's', { allowlist: EMPTY_ALLOWLIST });
    expect(ipv6).toMatchObject({ ok: false, refused: true });
    // allowed by the list, it connects
    expect((await postCallback(url, '{}', 's', { allowlist: parseAllowlist('127.0.0.1') })).ok).toBe(true);
    expect(reached).toBe(true);
  });

  it('refuses a URL that is not http(s) without trying', async () => {
    const attempt = await postCallback('ftp://example.test/x', '{}', 's', { allowlist: EMPTY_ALLOWLIST });
    expect(attempt).toMatchObject({ ok: false, refused: true });
  });

  it('gives up after the timeout', async () => {
    const silent = createServer(() => undefined);
    server = silent;
    const url = await urlOf(silent, '/');
    const attempt = await postCallback(url, '{}', 's', {
      allowlist: parseAllowlist('127.0.0.1'),
      timeoutMs: 200,
    });
    expect(attempt).toMatchObject({ ok: false, status: null, error: 'no answer within 200 ms' });
    silent.closeAllConnections();
  });
});

describe('callbackSubjectRefusal', () => {
  it('refuses wildcards, reserved roots and, with the empty prefix, executor-shaped subjects', () => {
    expect(callbackSubjectRefusal('hooks.shop.instances', 'ordo.exec.')).toBeUndefined();
    expect(callbackSubjectRefusal('hooks.*', 'ordo.exec.')).toMatch(/not a plain NATS subject/);
    expect(callbackSubjectRefusal('ordo.exec.instance.create.aws', 'ordo.exec.')).toMatch(/reserved/);
    expect(callbackSubjectRefusal('instance.delete.aws', '')).toMatch(/executor dispatches/);
  });
});
