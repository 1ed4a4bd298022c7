// The hot-path encoders must produce what nats.js's own would: headers, PubAck-free bodies.
import { dispatchMessageSchema, execHeaders, execHeadersSchema } from '@ordo/contracts';
import fc from 'fast-check';
import { MsgHdrsImpl, headers as natsHeaders } from 'nats';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  decodeMessage,
  encodeJson,
  headerRecord,
  msgHdrsOf,
  publishHeaders,
  rawHeaderRecord,
  toMsgHdrs,
} from './codec';
import { connectBus } from './connection';
import { memoryLogger, startNatsServer } from './testing';

const decoder = new TextDecoder();

describe('headers', () => {
  it('encode as nats.js encodes the same headers, and read back the same', () => {
    const record = {
      ...execHeaders({ build: 'b 1', component: 'vpc::prod', attempt: 2, deadline: 1_700_000_000_000 }),
      'Nats-Expected-Stream': 'ORDO_DISPATCH',
      odd: '  padded value  ',
    };
    const reference = natsHeaders();
    for (const [k, v] of Object.entries(record)) reference.set(k, v);
    const fast = toMsgHdrs(record);
    expect(fast).toBeInstanceOf(MsgHdrsImpl);
    const encoded = (fast as MsgHdrsImpl).encode();
    expect(decoder.decode(encoded)).toBe(decoder.decode((reference as MsgHdrsImpl).encode()));
    expect(headerRecord(MsgHdrsImpl.decode(encoded))).toEqual(headerRecord(reference));
    expect(headerRecord(fast)).toEqual({ ...record, odd: 'padded value' });
    expect(fast?.get('Ordo-Attempt')).toBe('2');
  });

  it('re-encode after a change, and refuse what nats.js refuses', () => {
    const hdrs = msgHdrsOf([['a', '1']]) as MsgHdrsImpl;
    expect(decoder.decode(hdrs.encode())).toBe('NATS/1.0\r\na: 1\r\n\r\n');
    hdrs.set('b', '2');
    expect(decoder.decode(hdrs.encode())).toBe('NATS/1.0\r\na: 1\r\nb: 2\r\n\r\n');
    expect(() => toMsgHdrs({ a: 'x\ny' })).toThrow(/line break/);
    expect(() => toMsgHdrs({ 'a:b': 'x' })).toThrow(/invalid header/);
    expect(() => toMsgHdrs({ 'a b': 'x' })).toThrow(/invalid header/);
    expect(toMsgHdrs({})).toBeUndefined();
  });
});

/** what nats.js calls on a publish's headers */
const block = (headers: unknown) => decoder.decode((headers as { encode(): Uint8Array }).encode());

describe('publish headers', () => {
  it('encode to the bytes nats.js would send, with the JetStream extras after the record', () => {
    const record = {
      ...execHeaders({ build: 'b 1', component: 'vpc::prod', attempt: 2, deadline: 1_700_000_000_000 }),
      odd: '  padded value  ',
    };
    const extra = [
      ['Nats-Msg-Id', 'b1:1-5'],
      ['Nats-Expected-Stream', 'ORDO_EVENTS'],
    ] as const;
    const reference = natsHeaders();
    for (const [k, v] of [...Object.entries(record), ...extra]) reference.set(k, v);
    expect(block(publishHeaders(record, extra))).toBe(decoder.decode((reference as MsgHdrsImpl).encode()));
    expect(block(publishHeaders(undefined, [['a', '1']]))).toBe('NATS/1.0\r\na: 1\r\n\r\n');
    expect(publishHeaders(undefined, [])).toBeUndefined();
    expect(publishHeaders({}, [])).toBeUndefined();
  });

  it('give a name set twice its later value in its earlier place, and refuse what nats.js refuses', () => {
    const twice = publishHeaders({ a: '1', 'Nats-Msg-Id': 'old' }, [['Nats-Msg-Id', 'new']]);
    expect(block(twice)).toBe('NATS/1.0\r\na: 1\r\nNats-Msg-Id: new\r\n\r\n');
    expect(() => publishHeaders({ a: 'x\ny' })).toThrow(/line break/);
    expect(() => publishHeaders(undefined, [['a:b', 'x']])).toThrow(/invalid header/);
    expect(() => publishHeaders({ 'a b': 'x' })).toThrow(/invalid header/);
  });
});

describe('bodies', () => {
  it('encode and decode exec messages through the fast checks as the schemas would', () => {
    const component = {
      _component_id: 'vpc::prod',
      _component: 'vpc',
      _action: 'create',
      _provider: 'aws',
      service: 'b',
      cidr: '10.0.0.0/16',
    };
    const data = encodeJson(dispatchMessageSchema, component, 'subject');
    expect(JSON.parse(decoder.decode(data))).toEqual(dispatchMessageSchema.parse(component));
    const headers = toMsgHdrs(execHeaders({ build: 'b', component: 'vpc::prod', attempt: 1, deadline: 5 }));
    const decoded = decodeMessage({ data, headers }, dispatchMessageSchema, execHeadersSchema);
    expect(decoded).toMatchObject({
      ok: true,
      data: component,
      meta: { build: 'b', attempt: 1, key: 'b/vpc::prod/1' },
    });
    // what the fast check refuses, the schema words
    expect(() => encodeJson(dispatchMessageSchema, { ...component, _component: 'v.pc' }, 's')).toThrow(
      /_component/,
    );
    const bad = decodeMessage(
      { data: new TextEncoder().encode('{"_component_id":""}'), headers },
      dispatchMessageSchema,
      execHeadersSchema,
    );
    expect(bad.ok).toBe(false);
    // any other schema is used as it is
    expect(() => encodeJson(z.object({ n: z.number() }), { n: 'x' } as never, 's')).toThrow(
      /INVALID|invalid/,
    );
  });
});

describe('raw header records', () => {
  /** a message as nats.js 2.29 holds it: the header block then the body in `_rdata` */
  const received = (block: string, body = '{}') => {
    const bytes = new TextEncoder().encode(block + body);
    return { msg: { _rdata: bytes, _msg: { hdr: new TextEncoder().encode(block).length } } };
  };

  it('give what nats.js decoding gives, or step aside', () => {
    const name = fc.oneof(
      fc.constantFrom('Ordo-Build', 'ordo-key', 'Nats-Msg-Id', 'a', '__proto__', 'x y', ''),
      fc.string({ maxLength: 5 }),
    );
    const value = fc.oneof(
      fc.constantFrom('v', ' padded ', 'a:b', 'b 1/vpc::x/2', '', '\n'),
      fc.string({ maxLength: 6 }),
    );
    const line = fc.oneof(
      fc.tuple(name, value).map(([k, v]) => `${k}:${v}`),
      fc.tuple(name, value).map(([k, v]) => `${k}: ${v}`),
      fc.constantFrom('', 'no colon here'),
    );
    const status = fc.constantFrom('NATS/1.0', 'NATS/1.0 503', 'NATS/1.0 408 Request Timeout');
    fc.assert(
      fc.property(status, fc.array(line, { maxLength: 6 }), (first, lines) => {
        const block = `${[first, ...lines].join('\r\n')}\r\n\r\n`;
        const fast = rawHeaderRecord(received(block));
        let slow: Record<string, string> | 'throws';
        try {
          slow = { ...headerRecord(MsgHdrsImpl.decode(new TextEncoder().encode(block))) };
        } catch {
          slow = 'throws';
        }
        if (fast !== undefined) expect({ ...fast }).toEqual(slow);
        if (slow === 'throws') expect(fast).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    expect(rawHeaderRecord({ msg: { _rdata: new Uint8Array(2), _msg: { hdr: -1 } } })).toEqual({});
    expect(rawHeaderRecord({ data: new Uint8Array(0) })).toBeUndefined();
  });

  it('are read from messages nats.js really delivers', async () => {
    const server = await startNatsServer({ jetstream: false });
    const bus = await connectBus({ url: server.url, name: 'codec-test', logger: memoryLogger() });
    try {
      const sub = bus.nc.subscribe('codec.raw', { max: 2 });
      const meta = { build: 'b 1', component: 'vpc::prod', attempt: 3, deadline: 5 };
      bus.nc.publish('codec.raw', new Uint8Array(0), {
        headers: toMsgHdrs({ ...execHeaders(meta), Odd: ' v ' }),
      });
      bus.nc.publish('codec.raw', new TextEncoder().encode('{}'));
      const got = [];
      for await (const msg of sub) got.push({ raw: rawHeaderRecord(msg), slow: headerRecord(msg.headers) });
      expect(got[0]?.raw).toEqual({ ...execHeaders(meta), Odd: 'v' });
      expect(got[0]?.raw).toEqual(got[0]?.slow);
      expect(got[1]).toEqual({ raw: {}, slow: {} });
    } finally {
      await bus.close();
      await server.stop();
    }
  });
});
