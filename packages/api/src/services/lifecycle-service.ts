// Lifecycle definitions (design.md "Lifecycle"): one state machine per component type, checked
// by core `parseLifecycle` (every problem at once) and stored as the type's next version. The
// runner starts a machine from the latest version when a resource of the type reaches `running`.
import { parseLifecycle, type ValidationIssue } from '@ordo/core';
import { NotFoundError, ValidationError } from '../errors';
import { type LifecycleView, lifecycleView } from '../schemas/cloud';
import type { LifecycleDefinitionPort, StorePort } from './ports';

export class LifecycleService {
  readonly #store: StorePort;

  constructor(options: { store: StorePort }) {
    this.#store = options.store;
  }

  /**
   * Validates a definition and stores it as the next version of its type. `ValidationError`
   * (with every issue: unknown keys, duplicate transitions, states without triggers …) when
   * it is invalid; nothing is stored then.
   */
  async save(document: unknown, actor: string): Promise<{ type: string; version: number }> {
    const parsed = parseLifecycle(document);
    if (!parsed.ok) throw new ValidationError(parsed.issues, summarize(parsed.issues));
    const saved = await this.#store.lifecycles.saveDefinition(
      parsed.definition.type,
      parsed.definition,
      actor,
    );
    return { type: saved.type, version: saved.version };
  }

  /** The latest version of every type, by type. */
  list(): Promise<LifecycleDefinitionPort[]> {
    return this.#store.lifecycles.definitions();
  }

  /** A type's definition, the latest or the given version; `NotFoundError` when there is none. */
  async get(type: string, version?: number): Promise<LifecycleView> {
    const [definition, versions] = await Promise.all([
      version === undefined
        ? this.#store.lifecycles.latestDefinition(type)
        : this.#store.lifecycles.definition(type, version),
      this.#store.lifecycles.versions(type),
    ]);
    if (!definition) {
      throw new NotFoundError(
        versions.length === 0
          ? `no lifecycle for type ${JSON.stringify(type)}`
          : `no version ${version} of the lifecycle of ${JSON.stringify(type)}; versions: ${versions.map((v) => v.version).join(', ')}`,
      );
    }
    return lifecycleView(
      definition,
      versions.map((v) => v.version),
    );
  }
}

function summarize(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (first === undefined) return 'the lifecycle definition is invalid';
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `the lifecycle definition is invalid: ${first.message}${more}`;
}
