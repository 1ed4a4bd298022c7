/** One template found in a value, as listed by `listTemplateRefs` (for validation). */
export interface TemplateRef {
  /** the whole template text, e.g. `${vpc::shop.vpc_id}` or `$(components.#[_component_id="credentials::sim"].region)` */
  raw: string;
  /** `paren` for Ernest's `$(…)`, `brace` for Ordo's `${…}` */
  syntax: 'paren' | 'brace';
  /**
   * brace only: the longest prefix of the inner text (cut at a `.`, or the whole text) that is
   * in `knownIds`; undefined when none matches
   */
  componentId?: string;
  /**
   * brace only: the rest after that id and its `.`, e.g. `vpc_id` (may be a dotted path);
   * `''` when the whole inner text is an id; undefined when no id matched
   */
  field?: string;
  /** paren only: every id named by a `#[_component_id="x"]` selector in the path */
  selectedIds: string[];
  /** where the string sits, as a JSON path suffix relative to the value, e.g. `.rules.ingress[0].ip` (`''` at top level) */
  path: string;
}

/** What template resolution may read. Implementations are lookups only. */
export interface TemplateContext {
  /** top-level field of the build document for `$(…)`, e.g. `components`, `changes`, `id` */
  root(key: string): unknown;
  /**
   * fast path for a leading `components.#[_component_id="x"]`; must give the same answer as
   * scanning `root('components')`
   */
  environmentComponent(id: string): Record<string, unknown> | undefined;
  /** `${id.field}`: the component's record (fields + outputs), or undefined when unknown */
  component(id: string): Record<string, unknown> | undefined;
  /** ids the `${}` longest-prefix rule may match */
  knownIds: ReadonlySet<string>;
}

export type ResolveResult = { ok: true; value: unknown } | { ok: false; error: string };
