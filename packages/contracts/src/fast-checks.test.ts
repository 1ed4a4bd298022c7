// The hot-path checks (isDispatchMessage, isResultMessage, parseExecHeaders, isBuildEventBatch)
// must agree with the zod schemas: never accept what a schema refuses, and give its output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BuildEvent, buildEventBatchSchema, isBuildEventBatch } from './events';
import {
  dispatchKey,
  dispatchMessageSchema,
  EXEC_HEADER,
  execHeaders,
  execHeadersSchema,
  isDispatchMessage,
  isResultMessage,
  parseExecHeaders,
  resultMessageSchema,
} from './exec';

/** Strings near the edges of the rules: empty, tokens, dots, spaces, digits, leading zeros. */
const edgy = fc.oneof(
  fc.constantFrom('', 'vpc', 'aws', 'a.b', 'a b', 'x-y_z', '0', '01', '1', '42', 'b/c/1', '::', '\u00e9'),
  fc.string({ maxLength: 6 }),
);
const anyValue = fc.oneof(edgy, fc.integer(), fc.constant(undefined), fc.constant(null), fc.boolean());

const component = fc.record(
  {
    _component_id: anyValue,
    _component: anyValue,
    _action: anyValue,
    _provider: anyValue,
    service: anyValue,
    error: anyValue,
    cidr: anyValue,
  },
  // plain objects only: the fast checks refuse a null-prototype object on purpose and leave it
  // to the schema (tested on its own below), so for those the two are not meant to agree
  { requiredKeys: [], noNullPrototype: true },
);

describe('fast exec checks agree with the schemas', () => {
  it('isDispatchMessage / isResultMessage', () => {
    fc.assert(
      fc.property(component, (value) => {
        const dispatch = dispatchMessageSchema.safeParse(value);
        expect(isDispatchMessage(value)).toBe(dispatch.success);
        if (dispatch.success) expect(dispatch.data).toEqual(value);
        const result = resultMessageSchema.safeParse(value);
        expect(isResultMessage(value)).toBe(result.success);
        if (result.success) expect(result.data).toEqual(value);
      }),
      { numRuns: 3000 },
    );
  });

  it('refuse what is not a plain object (the schema decides then)', () => {
    const valid = {
      _component_id: 'c',
      _component: 'vpc',
      _action: 'create',
      _provider: 'aws',
      service: 'b',
    };
    expect(isDispatchMessage(valid)).toBe(true);
    for (const value of [null, [], 'x', 1, Object.assign(Object.create(null), valid), new Date()]) {
      expect(isDispatchMessage(value)).toBe(false);
    }
  });

  it('parseExecHeaders', () => {
    const headers = fc.record(
      {
        [EXEC_HEADER.build]: edgy,
        [EXEC_HEADER.component]: edgy,
        [EXEC_HEADER.attempt]: edgy,
        [EXEC_HEADER.deadline]: edgy,
        [EXEC_HEADER.key]: edgy,
      },
      { requiredKeys: [] },
    );
    // half of the cases with a key that matches, so that valid records are common
    const cases = fc.tuple(headers, fc.boolean()).map(([h, match]) => {
      const b = h[EXEC_HEADER.build];
      const c = h[EXEC_HEADER.component];
      const a = h[EXEC_HEADER.attempt];
      if (match && b !== undefined && c !== undefined && a !== undefined) {
        return { ...h, [EXEC_HEADER.key]: dispatchKey(b, c, Number(a)) };
      }
      return h;
    });
    fc.assert(
      fc.property(cases, (record) => {
        const parsed = execHeadersSchema.safeParse(record);
        const fast = parseExecHeaders(record);
        if (parsed.success) expect(fast).toEqual(parsed.data);
        else expect(fast).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
    const meta = { build: 'b 1', component: 'instance::web/01', attempt: 3, deadline: 1_700_000_000_000 };
    expect(parseExecHeaders(execHeaders(meta))).toEqual({ ...meta, key: 'b 1/instance::web/01/3' });
  });

  it('isBuildEventBatch', () => {
    const event = fc.record(
      {
        seq: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), fc.constant(2 ** 60), edgy),
        at: fc.oneof(fc.integer({ min: -2, max: 2_000_000_000_000 }), fc.double(), edgy),
        type: fc.constantFrom('build_state', 'component_state', 'log', 'action', 'other', ''),
        componentId: anyValue,
        state: anyValue,
        attempt: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.double(), anyValue),
        message: anyValue,
        actor: anyValue,
        action: anyValue,
        extra: anyValue,
      },
      { requiredKeys: ['seq', 'at', 'type'], noNullPrototype: true },
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 3 }), (events) => {
        const value = { events };
        const parsed = buildEventBatchSchema.safeParse(value);
        if (isBuildEventBatch(value)) {
          expect(parsed.success).toBe(true);
          // what the schema returns serialises to the same JSON as the value itself
          expect(JSON.stringify(parsed.data)).toBe(JSON.stringify(value));
        } else if (parsed.success) {
          // a refusal is allowed only for values the schema would change (unknown keys stripped)
          expect(JSON.stringify(parsed.data)).not.toBe(JSON.stringify(value));
        }
      }),
      { numRuns: 3000 },
    );
    const ok: BuildEvent = { seq: 1, at: 5, type: 'component_state', componentId: 'c', state: 'running' };
    expect(isBuildEventBatch({ events: [ok] })).toBe(true);
    expect(isBuildEventBatch({ events: [] })).toBe(false);
    // found by the property: an unknown key holding undefined is no key at all in JSON
    expect(isBuildEventBatch({ events: [{ ...ok, extra: undefined }] })).toBe(true);
    expect(isBuildEventBatch({ events: [{ ...ok, extra: null }] })).toBe(false);
    // not a plain object: refused here, decided by the schema
    expect(isBuildEventBatch({ events: [Object.assign(Object.create(null), ok)] })).toBe(false);
  });
});
