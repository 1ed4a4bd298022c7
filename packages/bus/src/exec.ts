// The dispatch protocol on top of the bus: the runner publishes dispatches and cancels and
// reads results; executors read dispatches and publish results. Subjects from subjects.ts,
// bodies and headers from @ordo/contracts.
import {
  type CancelMessage,
  cancelMessageSchema,
  type DispatchMessage,
  dispatchMessageSchema,
  type ExecMeta,
  execHeaders,
  execHeadersSchema,
  isResultMessage,
  type ResultMessage,
  resultMessageSchema,
} from '@ordo/contracts';
import type { PubAck } from 'nats';
import { encodeJson, utf8 } from './codec';
import type { Bus } from './connection';
import {
  consumeDurable,
  consumeDurableEach,
  type DurableConsumer,
  type DurableMessage,
  type DurableSubscription,
} from './consumers';
import { STREAM } from './streams';
import {
  cancelSubject,
  DEFAULT_EXEC_PREFIX,
  dispatchSubject,
  type ExecRoute,
  execFilter,
  parseExecSubject,
  type ResultKind,
  resultSubject,
  routeOf,
} from './subjects';

/** The runner's durable on ORDO_RESULTS, shared by every runner process. */
export const RUNNER_RESULTS_DURABLE = 'ordo_runner_results';

/** Publishes a dispatch on `<prefix><type>.<action>.<provider>` and waits until JetStream holds it. */
export function publishDispatch(
  bus: Bus,
  message: DispatchMessage,
  meta: Omit<ExecMeta, 'key'>,
  prefix: string = DEFAULT_EXEC_PREFIX,
): Promise<PubAck> {
  return bus.jsPublish(dispatchSubject(routeOf(message), prefix), dispatchMessageSchema, message, {
    headers: execHeaders(meta),
    expectStream: STREAM.dispatch,
  });
}

/** Publishes a result on `….done` / `….error` with the dispatch's headers echoed. */
export function publishResult(
  bus: Bus,
  kind: ResultKind,
  message: ResultMessage,
  meta: Omit<ExecMeta, 'key'>,
  prefix: string = DEFAULT_EXEC_PREFIX,
): Promise<PubAck> {
  return bus.jsPublish(resultSubject(routeOf(message), kind, prefix), resultMessageSchema, message, {
    headers: execHeaders(meta),
    expectStream: STREAM.results,
  });
}

/**
 * `publishResult` of a body the caller has serialised already: `text` must be
 * `JSON.stringify(message)` (an executor records the same text). The message is checked as
 * `publishResult` checks it.
 */
export function publishResultText(
  bus: Bus,
  kind: ResultKind,
  message: ResultMessage,
  text: string,
  meta: Omit<ExecMeta, 'key'>,
  prefix: string = DEFAULT_EXEC_PREFIX,
): Promise<PubAck> {
  let subject: string;
  try {
    subject = resultSubject(routeOf(message), kind, prefix);
    // the schema decides (and words the error) when the fast check says no
    if (!isResultMessage(message)) encodeJson(resultMessageSchema, message, subject);
  } catch (err) {
    return Promise.reject(err);
  }
  return bus.jsPublishEncoded(subject, utf8(text), {
    headers: execHeaders(meta),
    expectStream: STREAM.results,
  });
}

/** Publishes a cancel on `….cancel` (stored in ORDO_RESULTS, delivered to executors by core NATS). */
export function publishCancel(
  bus: Bus,
  message: CancelMessage,
  meta: Omit<ExecMeta, 'key'>,
  prefix: string = DEFAULT_EXEC_PREFIX,
): Promise<PubAck> {
  return bus.jsPublish(cancelSubject(routeOf(message), prefix), cancelMessageSchema, message, {
    headers: execHeaders(meta),
    expectStream: STREAM.results,
  });
}

export interface DispatchConsumerOptions {
  prefix?: string | undefined;
  provider: string;
  /** only this component type (default: any) */
  type?: string | undefined;
  /** only this action (default: any) */
  action?: string | undefined;
  /** default `executor_<provider>[_<type>][_<action>]` */
  durable?: string | undefined;
  /** redelivery deadline; call `working()` to extend it for long work */
  ackWaitMs: number;
  maxDeliver?: number | undefined;
  maxAckPending?: number | undefined;
  /** dispatches pulled ahead; the number this process works on at once (default 1) */
  maxMessages?: number | undefined;
}

/** An executor's share of the dispatches for its provider (and optionally type/action). */
export function consumeDispatches(
  bus: Bus,
  opts: DispatchConsumerOptions,
): Promise<DurableSubscription<DurableMessage<DispatchMessage, ExecMeta>>> {
  return consumeDurable(bus, dispatchConsumerOptions(opts));
}

function dispatchConsumerOptions(opts: DispatchConsumerOptions) {
  const filter = { provider: opts.provider, type: opts.type, action: opts.action };
  const durable =
    opts.durable ??
    ['executor', opts.provider, opts.type, opts.action].filter((x) => x !== undefined).join('_');
  return {
    stream: STREAM.dispatch,
    durable,
    filterSubject: execFilter(filter, 'dispatch', opts.prefix ?? DEFAULT_EXEC_PREFIX),
    ackWaitMs: opts.ackWaitMs,
    maxDeliver: opts.maxDeliver,
    maxAckPending: opts.maxAckPending,
    maxMessages: opts.maxMessages,
    schema: dispatchMessageSchema,
    meta: execHeadersSchema,
    description: `Ordo executor for ${durable}`,
  };
}

/** `consumeDispatches` through a callback (see `consumeDurableEach`). */
export function consumeDispatchesEach(
  bus: Bus,
  opts: DispatchConsumerOptions,
  onDispatch: (message: DurableMessage<DispatchMessage, ExecMeta>) => void,
): Promise<DurableConsumer> {
  return consumeDurableEach(bus, dispatchConsumerOptions(opts), onDispatch);
}

/** A result with what its subject says. */
export interface ResultDelivery extends DurableMessage<ResultMessage, ExecMeta> {
  kind: ResultKind;
  route: ExecRoute;
}

export interface ResultConsumerOptions {
  prefix?: string | undefined;
  /** default `ordo_runner_results` */
  durable?: string | undefined;
  ackWaitMs: number;
  maxDeliver?: number | undefined;
  /** results pulled ahead (default 64) */
  maxMessages?: number | undefined;
}

/**
 * The runner's results: every `.done` and `.error` in ORDO_RESULTS, through one durable that
 * all runner processes share. Cancels stored in the same stream are acked and passed over.
 */
export async function consumeResults(
  bus: Bus,
  opts: ResultConsumerOptions,
): Promise<DurableSubscription<ResultDelivery>> {
  const prefix = opts.prefix ?? DEFAULT_EXEC_PREFIX;
  const inner = await consumeDurable(bus, resultConsumerOptions(opts));
  return {
    stream: inner.stream,
    durable: inner.durable,
    get skipped() {
      return inner.skipped;
    },
    stop: () => inner.stop(),
    async *[Symbol.asyncIterator]() {
      for await (const m of inner) {
        const result = asResult(bus, m, prefix);
        if (result) yield result;
      }
    },
  };
}

/** `consumeResults` through a callback (see `consumeDurableEach`); cancels are acked and passed over. */
export function consumeResultsEach(
  bus: Bus,
  opts: ResultConsumerOptions,
  onResult: (result: ResultDelivery) => void,
): Promise<DurableConsumer> {
  const prefix = opts.prefix ?? DEFAULT_EXEC_PREFIX;
  return consumeDurableEach(bus, resultConsumerOptions(opts), (m) => {
    const result = asResult(bus, m, prefix);
    if (result) onResult(result);
  });
}

function resultConsumerOptions(opts: ResultConsumerOptions) {
  return {
    stream: STREAM.results,
    durable: opts.durable ?? RUNNER_RESULTS_DURABLE,
    ackWaitMs: opts.ackWaitMs,
    maxDeliver: opts.maxDeliver,
    maxMessages: opts.maxMessages ?? 64,
    schema: resultMessageSchema,
    meta: execHeadersSchema,
    description: 'Ordo runner: executor results',
  };
}

/** The result a message on ORDO_RESULTS is; undefined (acked or terminated here) when it is not one. */
function asResult(
  bus: Bus,
  m: DurableMessage<ResultMessage, ExecMeta>,
  prefix: string,
): ResultDelivery | undefined {
  const parsed = parseExecSubject(m.subject, prefix);
  if (parsed?.kind === 'cancel') {
    // a cancel stored beside the results: not for the runner (a lost ack only redelivers it)
    m.ackNow();
    return undefined;
  }
  if (parsed === undefined || parsed.kind === 'dispatch') {
    bus.logger.warn({ subject: m.subject, prefix }, 'terminated a result on an unexpected subject');
    m.term();
    return undefined;
  }
  const { kind, ...route } = parsed;
  return Object.assign(m, { kind, route });
}
