// The build views the monitor works with, as tRPC answers them (style.md habit 7: types flow
// from the routers' zod schemas to React; nothing here is declared twice).
import type { AppRouter } from '@ordo/api';
import type { BuildEvent } from '@ordo/contracts';
import type { BuildStatus, ComponentState } from '@ordo/core';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

/** `build.get`: the snapshot the monitor starts from (and reloads after a gap). */
export type BuildView = RouterOutputs['build']['get'];
export type ComponentView = BuildView['components'][number];
export type AttemptView = ComponentView['history'][number];
export type BuildListItem = RouterOutputs['build']['list']['builds'][number];
export type CreateBuildInput = RouterInputs['build']['create'];

export type { BuildEvent, BuildStatus, ComponentState };

/** What the canvas, the timeline and the panel need to know of a component that never changes. */
export interface ComponentInfo {
  id: string;
  type: string;
  action: string;
  provider: string;
}

/** One operator action, as its `action` event records it. */
export interface ActivityEntry {
  seq: number;
  at: number;
  actor: string;
  action: string;
  componentId?: string;
}

/** The browser's NATS connection as the monitor shows it. */
export type LiveStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed' | 'offline';
