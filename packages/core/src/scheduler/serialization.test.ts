// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import { createBuild } from './create-build';
import { simulateBuild } from './simulate';
import { step } from './step';
import { component } from './test-support';
import type { BuildState, Command, SchedulerEvent } from './types';

function sampleGraph() {
  const changes = [
    component('credentials::aws', { action: 'none', props: { region: 'eu-west-1' } }),
    component('vpc::a', { props: { region: '$(components.#[_component_id="credentials::aws"].region)' } }),
    component('net::a', { props: { vpc: '${vpc::a.vpc_id}' }, policy: { attempts: 2, backoffMs: 10 } }),
    component('net::b', { props: { vpc: '${vpc::a.vpc_id}' } }),
    component('instance::a', { provider: 'aws' }),
    component('instance::b', { provider: 'aws' }),
    component('instance::c', { provider: 'aws', action: 'update' }),
    component('dns::a', { action: 'delete' }),
  ];
  const edges = [
    ['credentials::aws', 'vpc::a'],
    ['vpc::a', 'net::a'],
    ['vpc::a', 'net::b'],
    ['net::a', 'instance::a'],
    ['net::a', 'instance::b'],
    ['net::b', 'instance::c'],
    ['instance::a', 'dns::a'],
  ].map(([source, destination]) => ({ source: source as string, destination: destination as string }));
  return {
    name: 'ser',
    changes,
    current: [component('dns::a'), component('instance::c', { props: { size: 's' } })],
    edges,
  };
}

/** A deterministic FIFO driver: answers every dispatch, fires every timer, in order. */
class Driver {
  queue: { at: number; event: SchedulerEvent }[] = [];
  log: Command[] = [];
  now = 0;

  constructor(public state: BuildState) {}

  take(commands: Command[]): void {
    for (const c of commands) {
      this.log.push(c);
      if (c.kind === 'dispatch') {
        const fail = c.componentId === 'net::a' && c.attempt === 1;
        this.queue.push({
          at: this.now + 3,
          event: {
            kind: 'result',
            componentId: c.componentId,
            attempt: c.attempt,
            status: fail ? 'error' : 'done',
            payload: fail ? { error: 'flaky' } : { ...c.payload, [`${c.type}_id`]: `${c.type}-${c.attempt}` },
          },
        });
      } else if (c.kind === 'timer' && c.event.kind !== 'timeout') {
        this.queue.push({ at: c.at, event: c.event });
      }
    }
  }

  next(): boolean {
    this.queue.sort((a, b) => a.at - b.at);
    const item = this.queue.shift();
    if (!item) return false;
    this.now = Math.max(this.now, item.at);
    this.take(step(this.state, item.event, this.now).commands);
    return true;
  }
}

describe('serialization', () => {
  it('a state stringified and parsed mid-build continues to the same outcome, command for command', () => {
    const a = new Driver(
      createBuild({
        id: 'b1',
        environment: 'e',
        createdAt: 0,
        graph: sampleGraph(),
        concurrency: { build: 2, providers: { aws: 1 } },
        seed: 3,
      }),
    );
    a.take(step(a.state, { kind: 'start' }, 0).commands);
    for (let i = 0; i < 5; i++) a.next();
    expect(a.state.status).toBe('running');

    const b = new Driver(JSON.parse(JSON.stringify(a.state)) as BuildState);
    b.queue = JSON.parse(JSON.stringify(a.queue));
    b.now = a.now;
    const mark = a.log.length;
    while (a.next());
    while (b.next());
    expect(a.state.status).toBe('completed');
    expect(JSON.stringify(b.state)).toBe(JSON.stringify(a.state));
    expect(b.log).toEqual(a.log.slice(mark));
    expect(a.state.components.find((c) => c.id === 'net::a')?.attempt).toBe(2);
  });

  it('a reloaded state resumes in simulateBuild (re-sent dispatches, re-armed timers) with the same outcome', () => {
    const fail = (c: string, attempt: number) => (c === 'net::a' && attempt === 1 ? 'flaky' : undefined);
    const outputs = (c: string, attempt: number) => ({ [`${c.split('::')[0]}_id`]: `${c}#${attempt}` });
    const fresh = () => createBuild({ id: 'b1', environment: 'e', createdAt: 0, graph: sampleGraph() });
    const whole = simulateBuild(fresh(), { fail, outputs });
    expect(whole.state.status).toBe('completed');
    const partial = simulateBuild(fresh(), { fail, outputs, maxSteps: 4 });
    expect(partial.state.status).toBe('running');
    const reloaded = JSON.parse(JSON.stringify(partial.state)) as BuildState;
    const resumed = simulateBuild(reloaded, { fail, outputs, now: partial.now });
    expect(resumed.state.status).toBe('completed');
    const outcome = (s: BuildState) => s.components.map((c) => [c.id, c.state, c.attempt, c.outputs]);
    expect(outcome(resumed.state)).toEqual(outcome(whole.state));
    expect(resumed.state.environmentState).toEqual(whole.state.environmentState);
  });
});
