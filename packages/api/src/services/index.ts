// The services the tRPC routers and the REST handler are thin over.
import type { BusLogger } from '@ordo/bus';
import { type ApiConfig, defaultApiConfig } from '../config';
import { BuildService } from './build-service';
import { CallbackService } from './callback-service';
import { EnvironmentService } from './environment-service';
import { GraphService } from './graph-service';
import { LifecycleService } from './lifecycle-service';
import type { BusProvider, Clock, StorePort } from './ports';
import { ResourceService } from './resource-service';

export {
  type ActionRequest,
  BuildService,
  type CreateBuildOptions,
  type ExportResult,
} from './build-service';
export { CallbackService } from './callback-service';
export { EnvironmentService } from './environment-service';
export { componentOfRecord, graphFromSnapshot } from './graph-from-snapshot';
export { type GraphCheck, GraphService, type SavedDefinition } from './graph-service';
export { LifecycleService } from './lifecycle-service';
export * from './ports';
export { ResourceService } from './resource-service';

export interface Services {
  readonly config: ApiConfig;
  readonly builds: BuildService;
  readonly graphs: GraphService;
  readonly environments: EnvironmentService;
  readonly resources: ResourceService;
  readonly callbacks: CallbackService;
  readonly lifecycles: LifecycleService;
}

export interface ServicesOptions {
  store: StorePort;
  bus: BusProvider;
  config?: Partial<ApiConfig>;
  clock?: Clock;
  logger?: BusLogger;
  newId?: () => string;
}

export function createServices(options: ServicesOptions): Services {
  const config: ApiConfig = { ...defaultApiConfig, ...options.config };
  const { store } = options;
  return {
    config,
    builds: new BuildService({
      store,
      bus: options.bus,
      config,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...(options.newId ? { newId: options.newId } : {}),
    }),
    graphs: new GraphService({ store, config }),
    environments: new EnvironmentService({ store }),
    resources: new ResourceService({ store, bus: options.bus, config }),
    callbacks: new CallbackService({ store, config }),
    lifecycles: new LifecycleService({ store }),
  };
}
