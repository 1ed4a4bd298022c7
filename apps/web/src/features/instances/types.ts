// The views the Instances page works with, as tRPC answers them (style.md habit 7: types flow
// from the routers' zod schemas to React). Resources, callbacks and deliveries are snake_case:
// the contracts' resource view, which the live messages on `ordo.resources.>` carry too.
import type { AppRouter } from '@ordo/api';
import type {
  LifecycleProgressMessage,
  ResourceAction,
  ResourceChangeMessage,
  ResourceState,
  ResourceView,
} from '@ordo/contracts';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

type RouterOutputs = inferRouterOutputs<AppRouter>;
type RouterInputs = inferRouterInputs<AppRouter>;

export type { LifecycleProgressMessage, ResourceAction, ResourceChangeMessage, ResourceState, ResourceView };

/** `resource.get`: the resource with its history, actions, callbacks and lifecycle runs. */
export type ResourceDetail = RouterOutputs['resource']['get'];
export type ResourceEventView = ResourceDetail['history'][number];
export type ResourceActionView = ResourceDetail['actions'][number];
export type CallbackView = ResourceDetail['callbacks'][number];
export type LifecycleRunView = ResourceDetail['lifecycle_runs'][number];
export type DeliveryRow = RouterOutputs['callback']['deliveries']['deliveries'][number];
export type LifecycleView = RouterOutputs['lifecycle']['get'];
export type CreateCallbackInput = RouterInputs['callback']['create'];
