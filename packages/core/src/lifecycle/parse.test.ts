// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../graph/model';
import { parseLifecycle } from './index';

// formats/lifecycle.example.json
function example() {
  return {
    type: 'instance',
    initial: 'launched',
    transitions: [
      {
        source: 'launched',
        dest: 'join_cluster',
        triggers: [{ name: 'start_join', conditions: ['has_private_ip'] }],
      },
      {
        source: 'join_cluster',
        dest: 'joined_cluster',
        triggers: [{ name: 'join', before: ['drain_old_node'], after: ['announce'] }],
        stop_after_state_change: false,
      },
      {
        source: 'joined_cluster',
        dest: 'updating_dns',
        triggers: [{ name: 'update_dns', unless: ['is_private'] }],
      },
      { source: 'updating_dns', dest: 'dns_updated', triggers: [{ name: 'wait_dns' }] },
      { source: 'dns_updated', dest: 'ready', triggers: [{ name: 'complete_lifecycle' }] },
      {
        source: 'failure',
        dest: 'abandoned',
        triggers: [{ name: 'abandon_lifecycle', ignore_errors: true }],
      },
    ] as Record<string, unknown>[],
    tasks: {
      has_private_ip: { engine: 'nil' },
      is_private: { engine: 'nil' },
      start_join: { engine: 'sleep', args: ['0.1'] },
      drain_old_node: { engine: 'nil' },
      join: { engine: 'shell', artifact: 'echo', args: ['joining ${instance.private_ip}'] },
      announce: { engine: 'http', artifact: 'https://hooks.example.test/announce' },
      update_dns: { engine: 'sleep', args: ['0.1'] },
      wait_dns: { engine: 'nil' },
      complete_lifecycle: { engine: 'nil' },
      abandon_lifecycle: { engine: 'nil' },
    } as Record<string, unknown>,
  };
}

function issuesOf(input: unknown): ValidationIssue[] {
  const result = parseLifecycle(input);
  if (result.ok) throw new Error('expected issues');
  return result.issues;
}

describe('parseLifecycle', () => {
  it('accepts the example definition and returns it', () => {
    const result = parseLifecycle(example());
    expect(result).toEqual({ ok: true, definition: example() });
  });

  it('reports an unknown key with its path and the states and trigger around it', () => {
    const input = example();
    input.transitions[1] = {
      source: 'join_cluster',
      dest: 'joined_cluster',
      triggers: [{ name: 'join', bfore: ['drain_old_node'], after: ['announce'] }],
    };
    expect(issuesOf(input)).toEqual([
      {
        code: 'unknown_key',
        message: 'unknown key "bfore" in $.transitions[1].triggers[0]',
        ids: ['join_cluster', 'joined_cluster', 'join'],
        path: '$.transitions[1].triggers[0].bfore',
      },
    ]);
  });

  it('reports unknown keys at the top, in a transition and in a task', () => {
    const input = { ...example(), version: 2 } as Record<string, unknown>;
    (input.transitions as Record<string, unknown>[])[0] = {
      ...example().transitions[0],
      stop_after: true,
    };
    (input.tasks as Record<string, unknown>)['wait dns'] = { engine: 'nil', retries: 3 };
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.code, i.path, i.ids])).toEqual(
      expect.arrayContaining([
        ['unknown_key', '$.version', []],
        ['unknown_key', '$.transitions[0].stop_after', ['launched', 'join_cluster']],
        ['unknown_key', '$.tasks["wait dns"].retries', ['wait dns']],
      ]),
    );
    expect(issues).toHaveLength(3);
  });

  it('reports a duplicate transition', () => {
    const input = example();
    input.transitions.push({
      source: 'updating_dns',
      dest: 'dns_updated',
      triggers: [{ name: 'complete_lifecycle' }],
    });
    expect(issuesOf(input)).toEqual([
      {
        code: 'duplicate_transition',
        message:
          'transition updating_dns → dns_updated is defined twice (transitions[3] and transitions[6]); put all its triggers in one transition',
        ids: ['updating_dns', 'dns_updated'],
        path: '$.transitions[6]',
      },
    ]);
  });

  it('reports a task that tasks does not define, wherever a trigger names it', () => {
    const input = example();
    input.transitions[1] = {
      source: 'join_cluster',
      dest: 'joined_cluster',
      triggers: [{ name: 'join', before: ['drain_old_node', 'drain_everything'] }],
    };
    input.transitions[2] = {
      source: 'joined_cluster',
      dest: 'updating_dns',
      triggers: [{ name: 'update_dns', conditions: ['c?'], unless: ['u?'], after: ['a?'] }],
    };
    const issues = issuesOf(input);
    expect(issues[0]).toEqual({
      code: 'unknown_task',
      message:
        'trigger "join" of join_cluster → joined_cluster names task "drain_everything" in before, but tasks has no "drain_everything"',
      ids: ['drain_everything', 'join_cluster', 'joined_cluster'],
      path: '$.transitions[1].triggers[0].before[1]',
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_task', '$.transitions[1].triggers[0].before[1]'],
      ['unknown_task', '$.transitions[2].triggers[0].conditions[0]'],
      ['unknown_task', '$.transitions[2].triggers[0].unless[0]'],
      ['unknown_task', '$.transitions[2].triggers[0].after[0]'],
    ]);
  });

  it('reports a transition with no triggers', () => {
    const input = example();
    input.transitions[3] = { source: 'updating_dns', dest: 'dns_updated', triggers: [] };
    expect(issuesOf(input)).toEqual([
      {
        code: 'no_triggers',
        message: 'transition updating_dns → dns_updated has no triggers, so nothing can fire it',
        ids: ['updating_dns', 'dns_updated'],
        path: '$.transitions[3].triggers',
      },
    ]);
  });

  it('reports states that are never reached, and accepts terminal and failure states', () => {
    const input = example();
    input.transitions.push(
      { source: 'orphan', dest: 'ready', triggers: [{ name: 'wait_dns' }] },
      { source: 'orphan', dest: 'downstream', triggers: [{ name: 'wait_dns' }] },
      { source: 'downstream', dest: 'further', triggers: [{ name: 'wait_dns' }] },
    );
    expect(issuesOf(input)).toEqual([
      {
        code: 'unreachable_state',
        message:
          'state "orphan" is never reached from the initial state "launched" or from failure: no transition leads to it',
        ids: ['orphan'],
        path: '$.transitions[6].source',
      },
      {
        code: 'unreachable_state',
        message:
          'state "downstream" is never reached from the initial state "launched" or from failure: it is entered only from states that are never reached (orphan)',
        ids: ['downstream'],
        path: '$.transitions[7].dest',
      },
      {
        code: 'unreachable_state',
        message:
          'state "further" is never reached from the initial state "launched" or from failure: it is entered only from states that are never reached (downstream)',
        ids: ['further'],
        path: '$.transitions[8].dest',
      },
    ]);
  });

  it('reports an initial state that no transition mentions', () => {
    const issues = issuesOf({ ...example(), initial: 'lanched' });
    expect(issues[0]).toEqual({
      code: 'unknown_initial',
      message: 'the initial state "lanched" appears in no transition',
      ids: ['lanched'],
      path: '$.initial',
    });
    // and everything it cannot reach
    expect(issues.filter((i) => i.code === 'unreachable_state').map((i) => i.ids[0])).toContain('launched');
  });

  it('reports missing and mistyped fields', () => {
    const input = example();
    input.transitions[0] = { source: 'launched', triggers: [{ name: 'start_join', ignore_errors: 'yes' }] };
    input.tasks.wait_dns = { artifact: 3 };
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.code, i.path])).toEqual(
      expect.arrayContaining([
        ['missing_field', '$.transitions[0].dest'],
        ['invalid_field', '$.transitions[0].triggers[0].ignore_errors'],
        ['missing_field', '$.tasks.wait_dns.engine'],
        ['invalid_field', '$.tasks.wait_dns.artifact'],
      ]),
    );
    const missing = issues.find((i) => i.path === '$.transitions[0].dest');
    expect(missing?.message).toBe('missing "dest" in $.transitions[0]');
  });

  it('reports many problems at once, schema and cross-field together', () => {
    const input = example();
    input.transitions.push(
      { source: 'launched', dest: 'join_cluster', triggers: [{ name: 'again', befor: [] }] },
      { source: 'ready', dest: 'gone', triggers: [] },
      { source: 'ready', dest: 'gone', triggers: [{ name: 'x', after: ['nope'] }] },
    );
    input.tasks.extra = { engine: 'nil', colour: 'red' };
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ['unknown_key', '$.transitions[6].triggers[0].befor'],
      ['unknown_key', '$.tasks.extra.colour'],
      ['duplicate_transition', '$.transitions[6]'],
      ['no_triggers', '$.transitions[7].triggers'],
      ['duplicate_transition', '$.transitions[8]'],
      ['unknown_task', '$.transitions[8].triggers[0].after[0]'],
    ]);
  });

  it('rejects input that is not an object, without throwing', () => {
    for (const input of [null, 42, 'x', []]) {
      const issues = issuesOf(input);
      expect(issues[0]?.code).toBe('invalid_field');
      expect(issues[0]?.path).toBe('$');
    }
  });
});
