// @ordo/api: the services behind the web app's API, the tRPC routers (for the UI) and the REST
// v1 API with its OpenAPI document (for scripts and CI).
export { ACTOR_HEADER, actorFrom, DEFAULT_ACTOR, MAX_ACTOR_LENGTH } from './actor';
export {
  type ApiConfig,
  type ApiEnv,
  apiConfigFromEnv,
  apiEnvSchema,
  apiEnvShape,
  BUILT_IN_PROVIDERS,
  DEFAULT_MAX_BODY_BYTES,
  defaultApiConfig,
  servedProviders,
} from './config';
export * from './errors';
export { readBodyBytes, readJsonBody } from './http/body';
export { handleRest, matchRoute, type RestOptions } from './rest/handler';
export type { OpenApiDocument } from './rest/openapi';
export type { RestMethod, RestRoute } from './rest/route';
export { openApiDocument, REST_ROUTES } from './rest/routes';
export * from './services/index';
export { type Context, createContext } from './trpc/context';
export { handleTrpc, type TrpcHttpOptions } from './trpc/http';
export { type AppRouter, appRouter, createCaller } from './trpc/root';
