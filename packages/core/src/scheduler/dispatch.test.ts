// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import { apply, build, component, dispatches, done, events, graph, run } from './test-support';

describe('rule 3: dispatch and templates', () => {
  it('sends the Ernest-form payload with service = build id, _state running, the key and the deadline', () => {
    const vpc = component('vpc::a', {
      provider: 'aws',
      props: { cidr: '10.0.0.0/16', service: 'old', _state: 'x' },
    });
    const s = build(graph([vpc]));
    const [d] = dispatches(apply(s, { kind: 'start' }, 100).commands);
    expect(d).toEqual({
      kind: 'dispatch',
      componentId: 'vpc::a',
      attempt: 1,
      key: 'b1/vpc::a/1',
      type: 'vpc',
      action: 'create',
      provider: 'aws',
      payload: {
        _component_id: 'vpc::a',
        _component: 'vpc',
        _action: 'create',
        _provider: 'aws',
        _state: 'running',
        service: 'b1',
        cidr: '10.0.0.0/16',
      },
      deadline: 300100,
    });
    expect(apply(s, done('vpc::a'), 101).commands).not.toContainEqual(
      expect.objectContaining({ kind: 'dispatch' }),
    );
  });

  it('arms a deadline timer with every dispatch', () => {
    const s = build(graph([component('a', { policy: { timeoutMs: 50 } })]));
    const r = apply(s, { kind: 'start' }, 10);
    expect(r.commands).toContainEqual({
      kind: 'timer',
      at: 60,
      event: { kind: 'timeout', componentId: 'a', attempt: 1 },
    });
    expect(run(s, 'a').deadline).toBe(60);
  });

  it('resolves ${id.field} from a completed component of the build', () => {
    const net = component('net::a', { props: { vpc: '${vpc::a.vpc_id}', name: 'n-${vpc::a.vpc_id}' } });
    const s = build(graph(['vpc::a', net], [['vpc::a', 'net::a']]));
    apply(s, { kind: 'start' });
    const [d] = dispatches(apply(s, done('vpc::a', 1, { vpc_id: 'vpc-123' }), 1).commands);
    expect(d?.payload).toMatchObject({ vpc: 'vpc-123', name: 'n-vpc-123' });
    // the component's own props keep the template
    expect(run(s, 'net::a').props.vpc).toBe('${vpc::a.vpc_id}');
  });

  it('resolves $(components.#[…]) against the environment, including records added by this build', () => {
    const creds = component('credentials::aws', { action: 'none', props: { region: 'eu-west-1' } });
    const vpc = component('vpc::a', {
      props: {
        region: '$(components.#[_component_id="credentials::aws"].region)',
        old: '$(components.#[_component_id="vpc::old"].vpc_id)',
      },
    });
    const old = component('vpc::old', { props: { vpc_id: 'vpc-old' } });
    const s = build(graph([creds, vpc], [['credentials::aws', 'vpc::a']], [old]));
    const [d] = dispatches(apply(s, { kind: 'start' }).commands);
    expect(d?.payload).toMatchObject({ region: 'eu-west-1', old: 'vpc-old' });
  });

  it('falls back to the environment for ${id.field} of a component only in current', () => {
    const fw = component('firewall::a', { props: { net: '${net::old.cidr}' } });
    const s = build(graph([fw], [], [component('net::old', { props: { cidr: '10.1.0.0/24' } })]));
    expect(dispatches(apply(s, { kind: 'start' }).commands)[0]?.payload.net).toBe('10.1.0.0/24');
  });

  it('fails a component whose template cannot be resolved, without dispatching it, naming the template', () => {
    const net = component('net::a', { props: { vpc: '${vpc::a.missing_field}' } });
    const s = build(graph(['vpc::a', net], [['vpc::a', 'net::a']]));
    apply(s, { kind: 'start' });
    const r = apply(s, done('vpc::a', 1, { vpc_id: 'v' }), 1);
    expect(dispatches(r.commands)).toEqual([]);
    const c = run(s, 'net::a');
    expect(c.state).toBe('errored');
    expect(c.attempt).toBe(0);
    expect(c.error).toContain('${vpc::a.missing_field}');
    expect(events(r.commands)).toContainEqual(
      expect.objectContaining({ type: 'component_state', componentId: 'net::a', state: 'errored' }),
    );
    expect(s.status).toBe('errored');
  });
});

describe('rule 4: completion', () => {
  it('merges result fields except the reserved ones into outputs', () => {
    const s = build(graph([component('vpc::a', { props: { cidr: '10.0.0.0/16' } })]));
    apply(s, { kind: 'start' });
    apply(
      s,
      done('vpc::a', 1, {
        _component: 'vpc',
        _action: 'create',
        _provider: 'sim',
        _state: 'completed',
        service: 'b1',
        error: '',
        vpc_id: 'vpc-1',
        cidr: '10.0.0.0/16',
      }),
      7,
    );
    const c = run(s, 'vpc::a');
    expect(c.outputs).toEqual({ vpc_id: 'vpc-1', cidr: '10.0.0.0/16' });
    expect(c.state).toBe('completed');
    expect(c.history).toEqual([{ attempt: 1, dispatchedAt: 0, finishedAt: 7, status: 'completed' }]);
  });

  it('create adds the component to the environment and emits a put', () => {
    const s = build(graph([component('vpc::a', { props: { cidr: 'c' } })]));
    apply(s, { kind: 'start' });
    const r = apply(s, done('vpc::a', 1, { vpc_id: 'vpc-1' }), 1);
    const record = {
      _component_id: 'vpc::a',
      _component: 'vpc',
      _action: 'create',
      _provider: 'sim',
      _state: 'completed',
      cidr: 'c',
      vpc_id: 'vpc-1',
    };
    expect(s.environmentState['vpc::a']).toEqual(record);
    expect(r.commands).toContainEqual({ kind: 'environment', op: 'put', id: 'vpc::a', record });
  });

  it('update and get replace the current record', () => {
    for (const action of ['update', 'get']) {
      const current = component('vpc::a', { props: { cidr: 'old', stale: true } });
      const s = build(graph([component('vpc::a', { action, props: { cidr: 'new' } })], [], [current]));
      apply(s, { kind: 'start' });
      apply(s, done('vpc::a', 1, { vpc_id: 'v' }), 1);
      expect(s.environmentState['vpc::a']).toEqual({
        _component_id: 'vpc::a',
        _component: 'vpc',
        _action: action,
        _provider: 'sim',
        _state: 'completed',
        cidr: 'new',
        vpc_id: 'v',
      });
    }
  });

  it('delete removes the component from the environment', () => {
    const s = build(graph([component('vpc::a', { action: 'delete' })], [], ['vpc::a']));
    expect(s.environmentState['vpc::a']).toBeDefined();
    apply(s, { kind: 'start' });
    const r = apply(s, done('vpc::a'), 1);
    expect(Object.hasOwn(s.environmentState, 'vpc::a')).toBe(false);
    expect(r.commands).toContainEqual({ kind: 'environment', op: 'remove', id: 'vpc::a' });
  });

  it('find adds each found record and not itself', () => {
    const s = build(graph([component('vpc::finder', { action: 'find' })]));
    apply(s, { kind: 'start' });
    const found = [
      { _component_id: 'vpc::x', _component: 'vpc', vpc_id: 'vpc-x' },
      { _component_id: 'vpc::y', _component: 'vpc', vpc_id: 'vpc-y' },
      { no_id: true },
    ];
    const r = apply(s, done('vpc::finder', 1, { components: found }), 1);
    expect(Object.keys(s.environmentState).sort()).toEqual(['vpc::x', 'vpc::y']);
    expect(r.commands.filter((c) => c.kind === 'environment')).toHaveLength(2);
  });

  it('keeps a key such as __proto__ as a plain environment key', () => {
    const s = build(graph([component('__proto__')]));
    apply(s, { kind: 'start' });
    apply(s, done('__proto__', 1, { x: 1 }), 1);
    expect(Object.getPrototypeOf(s.environmentState)).toBe(Object.prototype);
    expect(Object.hasOwn(s.environmentState, '__proto__')).toBe(true);
    const reloaded = JSON.parse(JSON.stringify(s.environmentState)) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(reloaded, '__proto__')?.value).toMatchObject({ x: 1 });
  });
});
