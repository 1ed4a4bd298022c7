// Environments (Ernest's services): what exists and their current state.
import type { ErnestRecord } from '@ordo/core';
import type { EnvironmentPort, StorePort } from './ports';

export class EnvironmentService {
  readonly #store: StorePort;

  constructor(options: { store: StorePort }) {
    this.#store = options.store;
  }

  list(): Promise<readonly EnvironmentPort[]> {
    return this.#store.environments.list();
  }

  /** The environment's current components, Ernest form (empty for an unknown environment). */
  current(name: string): Promise<readonly ErnestRecord[]> {
    return this.#store.environments.current(name);
  }
}
