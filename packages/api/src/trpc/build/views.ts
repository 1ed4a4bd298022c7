// The build views tRPC answers with (camelCase; times as epoch milliseconds, which survive
// JSON without a transformer), and the mappers from what the store returns.
import { buildEventSchema } from '@ordo/contracts';
import type { BuildEvent } from '@ordo/core';
import { z } from 'zod';
import type { BuildSnapshotPort, BuildSummaryPort, LogLinePort } from '../../services/index';

const epochMs = z.number();

export const buildSummaryViewSchema = z.object({
  id: z.string(),
  environment: z.string(),
  /** pending | running | completed | errored | cancelling | cancelled */
  status: z.string(),
  createdAt: epochMs,
  startedAt: epochMs.nullable(),
  finishedAt: epochMs.nullable(),
});
export type BuildSummaryView = z.infer<typeof buildSummaryViewSchema>;

export const attemptViewSchema = z.object({
  attempt: z.number(),
  dispatchedAt: epochMs,
  finishedAt: epochMs.optional(),
  /** running | completed | errored | timeout | cancelled */
  status: z.string(),
  error: z.string().optional(),
});

export const componentViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  action: z.string(),
  provider: z.string(),
  /** waiting | running | completed | errored | cancelled | skipped | blocked */
  state: z.string(),
  /** number of the latest dispatch, 0 = never dispatched */
  attempt: z.number(),
  error: z.string().nullable(),
  outputs: z.record(z.string(), z.unknown()),
  history: z.array(attemptViewSchema),
  awaitingApproval: z.boolean(),
  approved: z.boolean(),
  cancelRequested: z.boolean(),
});

export const concurrencyViewSchema = z.object({
  build: z.number().optional(),
  providers: z.record(z.string(), z.number()).optional(),
});

export const buildListItemViewSchema = buildSummaryViewSchema.extend({
  /** components in the build, and how many completed / errored, as of the last save */
  total: z.number(),
  completed: z.number(),
  errored: z.number(),
});
export type BuildListItemView = z.infer<typeof buildListItemViewSchema>;

export const buildViewSchema = buildSummaryViewSchema.extend({
  policy: z.string(),
  simulate: z.boolean(),
  /** sequence number of the last event: follow live events from here */
  seq: z.number(),
  concurrency: concurrencyViewSchema,
  components: z.array(componentViewSchema),
  edges: z.array(z.object({ source: z.string(), destination: z.string() })),
});
export type BuildView = z.infer<typeof buildViewSchema>;

export const eventViewSchema = buildEventSchema;

export const logLineViewSchema = z.object({
  at: epochMs,
  componentId: z.string(),
  /** stdout | stderr | info */
  stream: z.string(),
  line: z.string(),
});

export function ms(value: Date): number;
export function ms(value: Date | null): number | null;
export function ms(value: Date | null): number | null {
  return value === null ? null : value.getTime();
}

function summaryView(b: Omit<BuildSummaryPort, 'total' | 'completed' | 'errored'>): BuildSummaryView {
  return {
    id: b.id,
    environment: b.environment,
    status: b.status,
    createdAt: ms(b.createdAt),
    startedAt: ms(b.startedAt),
    finishedAt: ms(b.finishedAt),
  };
}

export function listItemView(b: BuildSummaryPort): BuildListItemView {
  return { ...summaryView(b), total: b.total, completed: b.completed, errored: b.errored };
}

export function buildView(s: BuildSnapshotPort): BuildView {
  return {
    ...summaryView(s),
    policy: s.policy,
    simulate: s.simulate,
    seq: s.seq,
    concurrency: concurrencyView(s.concurrency),
    components: s.components.map((c) => ({
      id: c.id,
      type: c.type,
      action: c.action,
      provider: c.provider,
      state: c.state,
      attempt: c.attempt,
      error: c.error,
      outputs: c.outputs,
      history: c.history.flatMap(attemptView),
      awaitingApproval: c.awaitingApproval,
      approved: c.approved,
      cancelRequested: c.cancelRequested,
    })),
    edges: s.edges.map(({ source, destination }) => ({ source, destination })),
  };
}

export function eventView(e: BuildEvent): z.infer<typeof eventViewSchema> {
  return e;
}

export function logLineView(l: LogLinePort): z.infer<typeof logLineViewSchema> {
  return { at: ms(l.at), componentId: l.componentId, stream: l.stream, line: l.line };
}

function concurrencyView(value: unknown): z.infer<typeof concurrencyViewSchema> {
  if (typeof value !== 'object' || value === null) return {};
  const { build, providers } = value as { build?: unknown; providers?: unknown };
  const view: z.infer<typeof concurrencyViewSchema> = {};
  if (typeof build === 'number') view.build = build;
  if (typeof providers === 'object' && providers !== null) {
    view.providers = Object.fromEntries(
      Object.entries(providers).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    );
  }
  return view;
}

/** One history record; records of another form are left out rather than failing the view. */
function attemptView(record: unknown): z.infer<typeof attemptViewSchema>[] {
  if (typeof record !== 'object' || record === null) return [];
  const r = record as Record<string, unknown>;
  const dispatchedAt = timeOf(r.dispatchedAt);
  if (typeof r.attempt !== 'number' || dispatchedAt === null || typeof r.status !== 'string') return [];
  const finishedAt = timeOf(r.finishedAt);
  return [
    {
      attempt: r.attempt,
      dispatchedAt,
      ...(finishedAt === null ? {} : { finishedAt }),
      status: r.status,
      ...(typeof r.error === 'string' ? { error: r.error } : {}),
    },
  ];
}

function timeOf(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (value instanceof Date) return value.getTime();
  return null;
}
