// Store → REST answer shapes (design.md "REST API (v1)"): snake_case, ISO 8601 times.
import type { BuildEvent } from '@ordo/core';
import type { z } from 'zod';
import type { BuildSnapshotPort, BuildSummaryPort } from '../services/index';
import type { buildDetailSchema, buildEventSchema, buildSummarySchema } from './schemas';

export function iso(value: Date | number): string;
export function iso(value: Date | number | null | undefined): string | null;
export function iso(value: Date | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'number' ? new Date(value) : value).toISOString();
}

export function buildSummaryDto(
  b: Pick<BuildSummaryPort, 'id' | 'environment' | 'status' | 'createdAt' | 'finishedAt'>,
): z.input<typeof buildSummarySchema> {
  return {
    id: b.id,
    environment: b.environment,
    state: b.status,
    created_at: iso(b.createdAt),
    finished_at: iso(b.finishedAt),
  };
}

export function buildDetailDto(s: BuildSnapshotPort): z.input<typeof buildDetailSchema> {
  return {
    ...buildSummaryDto(s),
    components: s.components.map((c) => {
      const component: Record<string, unknown> & z.input<typeof buildDetailSchema>['components'][number] = {
        _component_id: c.id,
        _component: c.type,
        _action: c.action,
        _provider: c.provider,
        _state: c.state,
        attempts: c.attempt,
        error: c.error,
      };
      // outputs after the fixed fields, never over them
      for (const [key, value] of Object.entries(c.outputs)) {
        if (!(key in component)) component[key] = value;
      }
      return component;
    }),
    edges: s.edges.map(({ source, destination }) => ({ source, destination })),
  };
}

export function buildEventDto(e: BuildEvent): z.input<typeof buildEventSchema> {
  return {
    seq: e.seq,
    at: iso(e.at),
    type: e.type,
    component_id: e.componentId ?? null,
    state: e.state ?? null,
    message: e.message ?? null,
    attempt: e.attempt ?? null,
    actor: e.actor ?? null,
    action: e.action ?? null,
  };
}
