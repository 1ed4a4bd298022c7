import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BusError } from './errors';
import {
  assertPrefix,
  cancelSubject,
  controlSubject,
  decodeToken,
  dispatchSubject,
  doneSubject,
  encodeToken,
  errorSubject,
  eventsSubject,
  execFilter,
  logsSubject,
  parseControlSubject,
  parseEventsSubject,
  parseExecSubject,
  parseLogsSubject,
  parseResourceLifecycleSubject,
  parseResourceSubject,
  resourceLifecycleSubject,
  resourceSubject,
} from './subjects';

const NATS_TOKEN = /^[A-Za-z0-9_-]+$/;
const route = { type: 'vpc', action: 'create', provider: 'aws' };

function busError(fn: () => unknown): BusError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BusError);
    return err as BusError;
  }
  throw new Error('expected a BusError');
}

describe('encodeToken / decodeToken', () => {
  it.each([
    'vpc::prod',
    'a.b.c',
    'with spaces and\ttabs',
    '*',
    '>',
    'ünïcödé ☃ 😀 中文',
    '0',
    'build/vpc::prod/1',
  ])('round-trips %j through one subject token', (id) => {
    const token = encodeToken(id);
    expect(token).toMatch(NATS_TOKEN);
    expect(decodeToken(token)).toBe(id);
  });

  it('round-trips any well-formed string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }), (id) => {
        const token = encodeToken(id);
        expect(token).toMatch(NATS_TOKEN);
        expect(token).not.toContain('=');
        expect(decodeToken(token)).toBe(id);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives distinct ids distinct tokens (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (a, b) => {
          fc.pre(a !== b);
          expect(encodeToken(a)).not.toBe(encodeToken(b));
        },
      ),
    );
  });

  it('matches base64url without padding', () => {
    expect(encodeToken('vpc::prod')).toBe(Buffer.from('vpc::prod').toString('base64url'));
    expect(encodeToken('ab')).toBe('YWI');
  });

  it('refuses ids it cannot encode', () => {
    expect(busError(() => encodeToken('')).code).toBe('INVALID_ID');
    expect(busError(() => encodeToken('a\uD800b')).code).toBe('INVALID_ID');
  });

  it('refuses tokens that are not the canonical encoding of an id', () => {
    for (const bad of ['', 'a', 'YWI=', 'Y.WI', 'YWJ', '_w', '/w', 'YW I']) {
      expect(busError(() => decodeToken(bad)).code).toBe('INVALID_ENCODED_TOKEN');
    }
  });
});

describe('exec subjects', () => {
  it('builds dispatch, result and cancel subjects under the default prefix', () => {
    expect(dispatchSubject(route)).toBe('ordo.exec.vpc.create.aws');
    expect(doneSubject(route)).toBe('ordo.exec.vpc.create.aws.done');
    expect(errorSubject(route)).toBe('ordo.exec.vpc.create.aws.error');
    expect(cancelSubject(route)).toBe('ordo.exec.vpc.create.aws.cancel');
  });

  it('builds bare subjects with an empty prefix', () => {
    expect(dispatchSubject(route, '')).toBe('vpc.create.aws');
    expect(doneSubject(route, '')).toBe('vpc.create.aws.done');
    expect(execFilter({ provider: 'aws' }, 'dispatch', '')).toBe('*.*.aws');
  });

  it('builds filters with wildcards for the fields left out', () => {
    expect(execFilter({ provider: 'sim' })).toBe('ordo.exec.*.*.sim');
    expect(execFilter({}, 'done')).toBe('ordo.exec.*.*.*.done');
    expect(execFilter({ type: 'vpc' }, 'cancel', 'acme.')).toBe('acme.vpc.*.*.cancel');
  });

  it.each([
    ['type', { ...route, type: 'v.pc' }, 'v.pc'],
    ['action', { ...route, action: 'cre ate' }, 'cre ate'],
    ['provider', { ...route, provider: 'aws*' }, 'aws*'],
    ['provider', { ...route, provider: '' }, ''],
  ])('throws INVALID_TOKEN naming a bad %s', (field, bad, token) => {
    const err = busError(() => dispatchSubject(bad));
    expect(err.code).toBe('INVALID_TOKEN');
    expect(err.message).toContain(field);
    expect(err.message).toContain(JSON.stringify(token));
  });

  it('refuses the type "ordo" on bare subjects only', () => {
    expect(busError(() => dispatchSubject({ ...route, type: 'ordo' }, '')).code).toBe('RESERVED_TOKEN');
    expect(dispatchSubject({ ...route, type: 'ordo' })).toBe('ordo.exec.ordo.create.aws');
  });

  it('checks prefixes', () => {
    expect(assertPrefix('')).toBe('');
    expect(assertPrefix('acme.jobs.')).toBe('acme.jobs.');
    for (const bad of ['ordo.exec', '.', 'a..', 'a b.', 'ordo.events.x.']) {
      expect(busError(() => assertPrefix(bad)).code).toBe('INVALID_PREFIX');
    }
  });

  it('parses what it builds', () => {
    expect(parseExecSubject('ordo.exec.vpc.create.aws')).toEqual({ ...route, kind: 'dispatch' });
    expect(parseExecSubject('vpc.create.aws.error', '')).toEqual({ ...route, kind: 'error' });
    expect(parseExecSubject('ordo.exec.vpc.create.aws.cancel')).toEqual({ ...route, kind: 'cancel' });
    expect(parseExecSubject('ordo.exec.vpc.create.aws.other')).toBeUndefined();
    expect(parseExecSubject('ordo.exec.vpc.create')).toBeUndefined();
    expect(parseExecSubject('ordo.events.abc', '')).toBeUndefined();
  });

  it('answers a route or subject seen before the same way, and still refuses what is invalid', () => {
    for (let i = 0; i < 3; i++) {
      expect(dispatchSubject(route)).toBe('ordo.exec.vpc.create.aws');
      expect(parseExecSubject('ordo.exec.vpc.create.aws.done')).toEqual({ ...route, kind: 'done' });
      expect(parseExecSubject('ordo.exec.vpc.create.aws.done', 'acme.')).toBeUndefined();
      // (the parts of a cached route, joined differently, are not that route)
      expect(busError(() => dispatchSubject({ ...route, type: 'vpc\u0000create' })).code).toBe(
        'INVALID_TOKEN',
      );
      expect(busError(() => dispatchSubject(route, 'ordo.exec')).code).toBe('INVALID_PREFIX');
    }
    expect(Object.isFrozen(parseExecSubject('ordo.exec.vpc.create.aws.done'))).toBe(true);
  });
});

describe("Ordo's own subjects", () => {
  const build = 'build 1.2::x';
  const component = 'instance::web.01 ☃';

  it('encode ids and parse back', () => {
    expect(eventsSubject(build)).toBe(`ordo.events.${encodeToken(build)}`);
    expect(parseEventsSubject(eventsSubject(build))).toEqual({ buildId: build });
    expect(parseLogsSubject(logsSubject(build, component))).toEqual({
      buildId: build,
      componentId: component,
    });
    expect(parseControlSubject(controlSubject(build))).toEqual({ buildId: build });
    expect(parseResourceSubject(resourceSubject('i-1.2'))).toEqual({ resourceId: 'i-1.2' });
    expect(controlSubject(build).startsWith('ordo.control.')).toBe(true);
    expect(resourceSubject('r').startsWith('ordo.resources.')).toBe(true);
    expect(resourceLifecycleSubject('i-1.2')).toBe(`${resourceSubject('i-1.2')}.lifecycle`);
    expect(parseResourceLifecycleSubject(resourceLifecycleSubject('i-1.2'))).toEqual({ resourceId: 'i-1.2' });
    // a resource's lifecycle subject is not a resource change subject, nor the other way round
    expect(parseResourceSubject(resourceLifecycleSubject('i-1.2'))).toBeUndefined();
    expect(parseResourceLifecycleSubject(resourceSubject('i-1.2'))).toBeUndefined();
    expect(logsSubject(build, component).split('.')).toHaveLength(4);
  });

  it('refuses subjects of another shape', () => {
    expect(parseEventsSubject('ordo.events.a.b')).toBeUndefined();
    expect(parseEventsSubject('ordo.logs.YQ')).toBeUndefined();
    expect(parseEventsSubject('ordo.events.YQ=')).toBeUndefined();
    expect(parseLogsSubject('ordo.logs.YQ')).toBeUndefined();
  });
});
