/**
 * The TemplateContext a dispatch resolves templates against, read from the build state. Every
 * lookup is lazy: nothing O(n) happens unless a template asks for a whole collection.
 */

import type { TemplateContext } from '../templates/index';
import { getOwn, indexOfComponent, runRecord } from './records';
import type { BuildState, ErnestRecord } from './types';

/** Ids `${…}` may name: the build's components and the environment's. Iteration builds a Set once. */
class KnownIds implements ReadonlySet<string> {
  private materialized: Set<string> | null = null;

  constructor(private readonly state: BuildState) {}

  has(id: string): boolean {
    return indexOfComponent(this.state, id) >= 0 || Object.hasOwn(this.state.environmentState, id);
  }

  private all(): Set<string> {
    if (!this.materialized) {
      const ids = new Set<string>();
      for (const c of this.state.components) ids.add(c.id);
      for (const id of Object.keys(this.state.environmentState)) ids.add(id);
      this.materialized = ids;
    }
    return this.materialized;
  }

  get size(): number {
    return this.all().size;
  }

  forEach(callback: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const id of this.all()) callback.call(thisArg, id, id, this);
  }

  entries(): SetIterator<[string, string]> {
    return this.all().entries();
  }

  keys(): SetIterator<string> {
    return this.all().keys();
  }

  values(): SetIterator<string> {
    return this.all().values();
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.all().values();
  }
}

/**
 * Lives for one `step`. `invalidate()` must be called when the environment changes (the cached
 * `components` array would be out of date).
 */
export class StateTemplateContext implements TemplateContext {
  readonly knownIds: ReadonlySet<string>;
  private componentsCache: ErnestRecord[] | null = null;
  private changesCache: ErnestRecord[] | null = null;

  constructor(private readonly state: BuildState) {
    this.knownIds = new KnownIds(state);
  }

  invalidate(): void {
    this.componentsCache = null;
    this.changesCache = null;
  }

  /**
   * `components`: the environment's records (array); `changes`: the build's components in
   * Ernest form with outputs; `id`: the build id; `environment`: the environment name.
   */
  root(key: string): unknown {
    switch (key) {
      case 'components':
        this.componentsCache ??= Object.values(this.state.environmentState);
        return this.componentsCache;
      case 'changes':
        this.changesCache ??= this.state.components.map(runRecord);
        return this.changesCache;
      case 'id':
        return this.state.id;
      case 'environment':
        return this.state.environment;
      default:
        return undefined;
    }
  }

  environmentComponent(id: string): Record<string, unknown> | undefined {
    return getOwn(this.state.environmentState, id);
  }

  /**
   * A build component that completed: its record with outputs. Otherwise the environment's
   * record when there is one (a component being replaced still has its old fields there), else
   * the build component's record as it stands.
   */
  component(id: string): Record<string, unknown> | undefined {
    const i = indexOfComponent(this.state, id);
    const env = getOwn(this.state.environmentState, id);
    if (i >= 0) {
      const c = this.state.components[i];
      if (c && (c.state === 'completed' || env === undefined)) return runRecord(c);
    }
    return env;
  }
}
