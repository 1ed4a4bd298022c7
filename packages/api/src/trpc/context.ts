import { actorFrom } from '../actor';
import type { Services } from '../services/index';

/** What every procedure gets: the services and who asks (`Ordo-Actor`, default `api`). */
export interface Context {
  services: Services;
  actor: string;
}

/** The context of an HTTP request (throws `InvalidRequestError` for an over-long actor). */
export function createContext(services: Services, headers: Headers): Context {
  return { services, actor: actorFrom(headers) };
}
