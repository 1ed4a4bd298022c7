import { describe, expect, it } from 'vitest';
import { buildEventSchema, logLineSchema } from './events';
import {
  dispatchKey,
  dispatchMessageSchema,
  EXEC_HEADER,
  execHeaders,
  execHeadersSchema,
  resultMessageSchema,
} from './exec';

const component = {
  _component_id: 'vpc::prod',
  _component: 'vpc',
  _action: 'create',
  _provider: 'aws',
  service: 'build-1',
  cidr: '10.0.0.0/16',
  tags: { env: 'prod' },
};

describe('exec messages', () => {
  it('keep provider fields of an Ernest component', () => {
    expect(dispatchMessageSchema.parse(component)).toEqual(component);
    expect(resultMessageSchema.parse({ ...component, error: 'quota' }).error).toBe('quota');
  });

  it('refuse a component without its routing fields or with unsafe tokens', () => {
    const { _provider: _, ...noProvider } = component;
    expect(dispatchMessageSchema.safeParse(noProvider).success).toBe(false);
    expect(dispatchMessageSchema.safeParse({ ...component, _component: 'v.pc' }).success).toBe(false);
    expect(resultMessageSchema.safeParse({ ...component, error: 3 }).success).toBe(false);
  });

  it('round-trip dispatch metadata through header values', () => {
    const meta = { build: 'b 1', component: 'instance::web/01', attempt: 3, deadline: 1_700_000_000_000 };
    const headers = execHeaders(meta);
    expect(headers[EXEC_HEADER.key]).toBe('b 1/instance::web/01/3');
    expect(execHeadersSchema.parse(headers)).toEqual({
      ...meta,
      key: dispatchKey(meta.build, meta.component, 3),
    });
  });

  it('refuse headers with a key that does not match, or a bad attempt', () => {
    const headers = execHeaders({ build: 'b', component: 'c', attempt: 1, deadline: 5 });
    expect(execHeadersSchema.safeParse({ ...headers, [EXEC_HEADER.key]: 'b/c/2' }).success).toBe(false);
    expect(execHeadersSchema.safeParse({ ...headers, [EXEC_HEADER.attempt]: '0' }).success).toBe(false);
    const { [EXEC_HEADER.deadline]: _, ...noDeadline } = headers;
    expect(execHeadersSchema.safeParse(noDeadline).success).toBe(false);
  });
});

describe('events', () => {
  it('accept each event type and refuse a seq below 1', () => {
    for (const type of ['build_state', 'component_state', 'log', 'action'] as const) {
      expect(buildEventSchema.parse({ seq: 1, at: 0, type }).type).toBe(type);
    }
    expect(buildEventSchema.safeParse({ seq: 0, at: 0, type: 'log' }).success).toBe(false);
    expect(buildEventSchema.safeParse({ seq: 1, at: 0, type: 'other' }).success).toBe(false);
  });

  it('accept a log line from one of the three streams', () => {
    expect(logLineSchema.parse({ at: 1, componentId: 'c', stream: 'stderr', line: 'boom' }).stream).toBe(
      'stderr',
    );
    expect(logLineSchema.safeParse({ at: 1, componentId: 'c', stream: 'stdin', line: '' }).success).toBe(
      false,
    );
  });
});
