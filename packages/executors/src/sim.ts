// `sim`: a simulated cloud (design.md "The `sim` provider"). It serves provider `sim` and
// every provider it is told to simulate (`SIMULATE_PROVIDERS=aws,azure`), any component type,
// and keeps what it made in its own state file (sim-state.ts), keyed by component id.
//
//   create   assigns `<type>_id` = `<type>-<8 hex>` and `id` (plus `<type>_<provider>_id`, as
//            Ernest's connectors name it, when the provider is not `sim`); an `instance` also
//            gets `private_ip` (10.x.x.x), `public_ip` (TEST-NET-3, 203.0.113.x) and
//            `state: running`. Creating a component it already holds keeps the ids it gave.
//   update   the held resource merged with the new fields; one it does not hold is answered
//   get      as if it held it (ids made up where the component has none) and kept from then on
//   delete   forgets it; succeeds for an unknown one
//   find     `components`: the held resources of the type whose fields equal the given ones
//   start, stop, reboot, terminate   an instance's `state` (running/stopped/running/terminated)
//   other    like update
//
// Each answer takes the type's latency (`latencyMs`, overridden per component by
// `_sim.latency_ms`), which a cancel or the deadline cuts short. `_sim.fail` makes it fail
// with that message: always, or only the first `_sim.fail_times` attempts of the component in
// a build (counted in the state file, so a redelivered attempt is not counted twice).
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { DispatchMessage } from '@ordo/contracts';
import { z } from 'zod';
import { delay } from './delay';
import { ExecutorError } from './errors';
import { nonNegativeNumber, parseInput } from './input';
import { defineExecutor, type Executor, type ExecutorTask } from './sdk';
import { type SimResource, SimState } from './sim-state';

/** Latency per component type in ms; `*` is every other type. */
export type SimLatency = Readonly<Record<string, number>>;

export const DEFAULT_SIM_LATENCY_MS: SimLatency = {
  instance: 300,
  vpc: 100,
  network: 100,
  load_balancer: 100,
  '*': 50,
};

export interface SimExecutorOptions {
  /** default `sim` (names its record file; the state file is always `sim-state.json`) */
  name?: string;
  /** providers simulated besides `sim` (`SIMULATE_PROVIDERS`; `*` is the runner's business) */
  providers?: readonly string[];
  /** laid over `DEFAULT_SIM_LATENCY_MS` */
  latencyMs?: SimLatency;
  /** state file name inside `<dataDir>/executors/` (default `sim-state.json`) */
  stateFile?: string;
}

const simOptions = z
  .looseObject({
    fail: z.string().optional(),
    fail_times: z.number().int().nonnegative().optional(),
    latency_ms: nonNegativeNumber.optional(),
  })
  .optional();

const simInput = z.looseObject({ _sim: simOptions });

/** Fields that describe the dispatch rather than the resource; never stored. */
const NOT_STORED = new Set(['_sim', '_state', 'error', 'service']);
/** Fields that are not search criteria of a `find`. */
const NOT_CRITERIA = new Set(['service', 'error', 'components']);

function resourceFields(component: DispatchMessage): Record<string, unknown> {
  return Object.fromEntries(Object.entries(component).filter(([k]) => !NOT_STORED.has(k)));
}

const hex8 = () => randomBytes(4).toString('hex');

function privateAddress(): string {
  return `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

function publicAddress(used: Set<string>): string {
  const free: string[] = [];
  for (let i = 1; i < 255; i += 1) if (!used.has(`203.0.113.${i}`)) free.push(`203.0.113.${i}`);
  return free[randomInt(0, Math.max(1, free.length))] ?? `203.0.113.${randomInt(1, 255)}`;
}

const filled = (v: unknown) => typeof v === 'string' && v !== '';

/** `base` with the ids (and addresses) the simulator assigns filled in where missing. */
function withIds(state: SimState, type: string, provider: string, base: Record<string, unknown>) {
  const out: Record<string, unknown> = { ...base };
  const idKey = `${type}_id`;
  if (!filled(out[idKey])) out[idKey] = `${type}-${hex8()}`;
  if (!filled(out.id)) out.id = out[idKey];
  if (provider !== 'sim' && !filled(out[`${type}_${provider}_id`]))
    out[`${type}_${provider}_id`] = out[idKey];
  if (type === 'instance') {
    if (!filled(out.private_ip)) out.private_ip = privateAddress();
    if (!filled(out.public_ip)) out.public_ip = publicAddress(state.publicAddresses());
    if (!filled(out.state)) out.state = 'running';
  }
  return out;
}

const INSTANCE_STATES: Readonly<Record<string, string>> = {
  start: 'running',
  stop: 'stopped',
  reboot: 'running',
  terminate: 'terminated',
};

export function simExecutor(options: SimExecutorOptions = {}): Executor {
  const latency = { ...DEFAULT_SIM_LATENCY_MS, ...(options.latencyMs ?? {}) };
  const providers = [...new Set(['sim', ...(options.providers ?? []).filter((p) => p !== '*')])];
  let state: SimState | undefined;

  const latencyOf = (type: string): number => latency[type] ?? latency['*'] ?? 50;

  async function handle(task: ExecutorTask): Promise<Record<string, unknown>> {
    const current = state;
    if (!current) throw new ExecutorError('INVALID_INPUT', 'sim: not started (runExecutors calls setup)');
    const c = task.component;
    const sim = parseInput('sim', simInput, c)._sim ?? {};
    await delay(sim.latency_ms ?? latencyOf(c._component), task.signal);

    if (sim.fail !== undefined) {
      const fails =
        sim.fail_times === undefined ||
        (await current.failAttempt(
          `${task.meta.build}/${task.meta.component}`,
          task.meta.attempt,
          sim.fail_times,
        ));
      if (fails) throw new Error(sim.fail === '' ? 'simulated failure' : sim.fail);
    }
    task.signal.throwIfAborted();

    const id = c._component_id;
    const type = c._component;
    const held = current.get(id);
    const fields = resourceFields(c);
    switch (c._action) {
      case 'create': {
        // ids come from what it holds (or are new), never from the incoming component
        const resource = {
          ...fields,
          ...pickAssigned(withIds(current, type, c._provider, held ?? {}), type, c._provider),
        };
        await current.put(resource as SimResource);
        task.log(`${held ? 'kept' : 'created'} ${type} ${String(resource[`${type}_id`])}`, 'info');
        return resource;
      }
      case 'delete':
        await current.remove(id);
        task.log(`deleted ${type}${held ? '' : ' (not held)'}`, 'info');
        return {};
      case 'find': {
        const criteria = Object.entries(c).filter(([k]) => !k.startsWith('_') && !NOT_CRITERIA.has(k));
        const components = current
          .all()
          .filter((r) => r._component === type && criteria.every(([k, v]) => isDeepStrictEqual(r[k], v)));
        task.log(`found ${components.length} ${type}`, 'info');
        return { components };
      }
      default: {
        const merged = withIds(current, type, c._provider, { ...(held ?? {}), ...fields });
        const next = INSTANCE_STATES[c._action];
        if (type === 'instance' && next !== undefined) merged.state = next;
        await current.put(merged as SimResource);
        return merged;
      }
    }
  }

  return defineExecutor({
    name: options.name ?? 'sim',
    providers,
    handle,
    async setup(context) {
      if (state) throw new ExecutorError('ALREADY_RUNNING', 'this sim executor is already serving');
      state = await SimState.open(
        join(context.stateDir, options.stateFile ?? 'sim-state.json'),
        (movedTo, why) =>
          context.logger.warn({ movedTo, why }, 'sim state file unreadable; moved aside, starting empty'),
      );
    },
    async teardown() {
      await state?.flush();
      state = undefined;
    },
  });
}

/** The fields the simulator assigns for a type and provider, taken from `resource`. */
function pickAssigned(
  resource: Record<string, unknown>,
  type: string,
  provider: string,
): Record<string, unknown> {
  const keys = [`${type}_id`, 'id'];
  if (provider !== 'sim') keys.push(`${type}_${provider}_id`);
  if (type === 'instance') keys.push('private_ip', 'public_ip', 'state');
  return Object.fromEntries(keys.filter((k) => k in resource).map((k) => [k, resource[k]]));
}
