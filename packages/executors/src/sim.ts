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
//   start, stop, reboot, terminate   the resource's `state` goes through an intermediate state
//            (EC2's words: `pending`, `stopping`, `rebooting`, `shutting-down`) for the action's
//            latency — held in the state file, so a `get` meanwhile sees it — and ends
//            `running`, `stopped`, `running`, `terminated`; cut short by a cancel or the
//            deadline, the resource keeps the state it had
//   other    like update
//
// Each answer takes the type's latency (`latencyMs`; actions: `actionLatencyMs`), overridden
// per component by `_sim.latency_ms`, which a cancel or the deadline cuts short. `_sim.fail`
// makes it fail with that message: always, or only the first `_sim.fail_times` attempts of the
// component in a build (counted in the state file, so a redelivered attempt is not counted twice).
//
// On `ordo.sim.control` (contracts sim.ts) it can be told to make a held resource vanish (from
// then on a `get`, `update` or action of it answers `.error` with `not_found: true`, until it is
// created again), fail (`state: error`, `state_reason` the message) or change state on its own.
import { randomBytes, randomInt } from 'node:crypto';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { BusSubscription } from '@ordo/bus';
import {
  type ControlReply,
  controlReplySchema,
  type DispatchMessage,
  SIM_CONTROL_SUBJECT,
  type SimControlCommand,
  simControlCommandSchema,
} from '@ordo/contracts';
import { z } from 'zod';
import { delay } from './delay';
import { ExecutorError, TaskError } from './errors';
import { nonNegativeNumber, parseInput } from './input';
import { defineExecutor, type Executor, type ExecutorContext, type ExecutorTask } from './sdk';
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

/** The actions on a resource's state (cloud-state actions): the state shown while each runs, and after. */
export const SIM_ACTIONS = {
  start: { via: 'pending', to: 'running' },
  stop: { via: 'stopping', to: 'stopped' },
  reboot: { via: 'rebooting', to: 'running' },
  terminate: { via: 'shutting-down', to: 'terminated' },
} as const;
export type SimAction = keyof typeof SIM_ACTIONS;

/** Latency per action in ms: a real instance takes seconds to minutes, these are short of that. */
export const DEFAULT_SIM_ACTION_LATENCY_MS: Readonly<Record<SimAction, number>> = {
  start: 1500,
  stop: 1500,
  reboot: 1000,
  terminate: 2000,
};

const isSimAction = (action: string): action is SimAction => Object.hasOwn(SIM_ACTIONS, action);

export interface SimExecutorOptions {
  /** default `sim` (names its record file; the state file is always `sim-state.json`) */
  name?: string;
  /** providers simulated besides `sim` (`SIMULATE_PROVIDERS`; `*` is the runner's business) */
  providers?: readonly string[];
  /** laid over `DEFAULT_SIM_LATENCY_MS` */
  latencyMs?: SimLatency;
  /** laid over `DEFAULT_SIM_ACTION_LATENCY_MS` */
  actionLatencyMs?: Partial<Record<SimAction, number>>;
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
type SimOptions = NonNullable<z.output<typeof simOptions>>;

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

/** The answer to a request about a resource that vanished. */
function notFound(type: string, id: string): TaskError {
  return new TaskError(`${type} ${id} not found`, { not_found: true });
}

export function simExecutor(options: SimExecutorOptions = {}): Executor {
  const latency = { ...DEFAULT_SIM_LATENCY_MS, ...(options.latencyMs ?? {}) };
  const actionLatency = { ...DEFAULT_SIM_ACTION_LATENCY_MS, ...(options.actionLatencyMs ?? {}) };
  const providers = [...new Set(['sim', ...(options.providers ?? []).filter((p) => p !== '*')])];
  let state: SimState | undefined;
  let controlSub: BusSubscription<unknown> | undefined;

  const latencyOf = (type: string): number => latency[type] ?? latency['*'] ?? 50;

  /** Throws the component's simulated failure when this attempt is to fail. */
  async function failIfAsked(current: SimState, task: ExecutorTask, sim: SimOptions): Promise<void> {
    if (sim.fail === undefined) return;
    const fails =
      sim.fail_times === undefined ||
      (await current.failAttempt(
        `${task.meta.build}/${task.meta.component}`,
        task.meta.attempt,
        sim.fail_times,
      ));
    if (fails) throw new Error(sim.fail === '' ? 'simulated failure' : sim.fail);
  }

  async function handle(task: ExecutorTask): Promise<Record<string, unknown>> {
    const current = state;
    if (!current) throw new ExecutorError('INVALID_INPUT', 'sim: not started (runExecutors calls setup)');
    const c = task.component;
    const sim = parseInput('sim', simInput, c)._sim ?? {};
    if (isSimAction(c._action)) return act(current, task, c._action, sim);
    await delay(sim.latency_ms ?? latencyOf(c._component), task.signal);
    await failIfAsked(current, task, sim);
    task.signal.throwIfAborted();

    const id = c._component_id;
    const type = c._component;
    const held = current.get(id);
    const fields = resourceFields(c);
    if (current.isVanished(id) && c._action !== 'create' && c._action !== 'delete' && c._action !== 'find') {
      throw notFound(type, id);
    }
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
        await current.put(merged as SimResource);
        return merged;
      }
    }
  }

  /**
   * start/stop/reboot/terminate: the intermediate state is held (and on disk) while the
   * action's latency runs, then the end state. A failure, cancel or deadline leaves the state
   * the resource had; a resource that vanished meanwhile is answered "not found".
   */
  async function act(
    current: SimState,
    task: ExecutorTask,
    action: SimAction,
    sim: SimOptions,
  ): Promise<Record<string, unknown>> {
    const c = task.component;
    const id = c._component_id;
    const type = c._component;
    if (current.isVanished(id)) throw notFound(type, id);
    const { via, to } = SIM_ACTIONS[action];
    const base = withIds(current, type, c._provider, { ...(current.get(id) ?? {}), ...resourceFields(c) });
    const before = typeof base.state === 'string' ? base.state : 'running';
    await current.put({ ...base, _component_id: id, _component: type, state: via });
    task.log(`${action} ${type} ${String(base[`${type}_id`])}: ${via}`, 'info');
    try {
      await delay(sim.latency_ms ?? actionLatency[action], task.signal);
      await failIfAsked(current, task, sim);
    } catch (err) {
      const now = current.get(id);
      if (now && now.state === via) await current.put({ ...now, state: before });
      throw err;
    }
    const now = current.get(id);
    if (!now) throw notFound(type, id);
    const { state_reason: _reason, ...rest } = now;
    const done = { ...rest, state: to } as SimResource;
    await current.put(done);
    task.log(`${action} ${type} ${String(base[`${type}_id`])}: ${to}`, 'info');
    return done;
  }

  /** `ordo.sim.control`: vanish, fail or change the state of a held resource. */
  async function serveControl(context: ExecutorContext, sub: BusSubscription<unknown>): Promise<void> {
    for await (const message of sub) {
      let reply: ControlReply;
      const parsed = simControlCommandSchema.safeParse(message.data);
      if (!parsed.success) {
        reply = { ok: false, code: 'invalid', reason: z.prettifyError(parsed.error) };
        context.logger.warn({ reason: reply.reason }, 'invalid sim control command dropped');
      } else {
        try {
          reply = await control(parsed.data);
        } catch (err) {
          reply = { ok: false, code: 'invalid', reason: (err as Error).message };
        }
      }
      try {
        context.bus.respond(message.msg, controlReplySchema, reply);
      } catch (err) {
        context.logger.warn({ err: (err as Error).message }, 'could not answer a sim control command');
      }
    }
  }

  async function control(command: SimControlCommand): Promise<ControlReply> {
    const current = state;
    if (!current) return { ok: false, code: 'invalid', reason: 'sim: not started' };
    const held =
      command.componentId !== undefined
        ? current.get(command.componentId)
        : current
            .all()
            .find((r) => r.id === command.providerId || r[`${r._component}_id`] === command.providerId);
    if (!held) {
      const which = command.componentId ?? command.providerId;
      return { ok: false, code: 'not_found', reason: `the sim holds no resource ${which}` };
    }
    switch (command.kind) {
      case 'vanish':
        await current.vanish(held._component_id);
        break;
      case 'fail':
        await current.put({ ...held, state: 'error', state_reason: command.message });
        break;
      case 'state':
        await current.put({ ...held, state: command.state });
        break;
    }
    return { ok: true };
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
      controlSub = context.bus.subscribe(SIM_CONTROL_SUBJECT, z.unknown());
      void serveControl(context, controlSub).catch((err: Error) =>
        context.logger.error({ err: err.message }, 'sim control subscription ended'),
      );
    },
    async teardown() {
      controlSub?.unsubscribe();
      controlSub = undefined;
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
