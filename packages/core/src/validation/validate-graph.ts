/**
 * Everything checked before a graph is stored or run (design.md "Validation"). All problems
 * are reported at once, each with a stable code, the ids concerned and a JSON path into the
 * Ernest/native form of the graph.
 */
import { ACTIONS, type Component, type Graph, isAction, type ValidationIssue } from '../graph/model';
import { hasTemplates, listTemplateRefs, type TemplateRef } from '../templates/index';
import { findCycles } from './cycles';
import { AncestorOracle, type GraphIndex, sharedGraphIndex } from './graph-index';

/** The codes `validateGraph` reports. */
export type ValidationCode =
  /** `inputBytes` is over `maxBytes` */
  | 'payload_too_large'
  /** empty `_component_id`, `_component`, `_action`, or `_provider` (the last not needed by action `none`) */
  | 'missing_field'
  /** the same id twice in `changes`, or twice in `components` */
  | 'duplicate_id'
  /** `_action` is not one of ACTIONS */
  | 'unknown_action'
  /** type, action or provider is not a NATS subject token (`[A-Za-z0-9_-]+`) */
  | 'invalid_subject_token'
  /** no executor serves the provider (checked only when `servedProviders` is given and not simulating) */
  | 'unserved_provider'
  /**
   * an edge's source is in neither `changes` nor `components`, or its destination is not in
   * `changes` (a destination only in `components` is not part of the build: it would never run)
   */
  | 'unknown_edge_component'
  /** the edges between components of `changes` form a cycle (one reported per strongly connected component) */
  | 'cycle'
  /** `${id.field}` names no known component, or `#[_component_id="x"]` names an unknown id */
  | 'unknown_template_component'
  /** `${id.field}` names a component of `changes` that is neither an ancestor of the referencing one nor in `components` */
  | 'template_not_ancestor'
  /** a component's fields nest so deeply (thousands of levels) that they cannot be searched for templates */
  | 'nesting_too_deep';

export interface ValidateOptions {
  /** providers some executor serves; when given, any other provider is `unserved_provider` */
  servedProviders?: ReadonlySet<string>;
  /** a rehearsal: the `sim` executor answers for every provider, so `servedProviders` is not checked */
  simulate?: boolean;
  /** largest accepted input in bytes (`ORDO_MAX_BODY_BYTES`) */
  maxBytes?: number;
  /** size of the input as received, in bytes */
  inputBytes?: number;
}

/** What a NATS subject token may hold (design.md "Subject tokens"). */
export const SUBJECT_TOKEN = /^[A-Za-z0-9_-]+$/;

export function isSubjectToken(value: string): boolean {
  return SUBJECT_TOKEN.test(value);
}

/** Every problem of `graph`; an empty array means it may be stored and run. */
export function validateGraph(graph: Graph, opts: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const { maxBytes, inputBytes } = opts;
  if (maxBytes !== undefined && inputBytes !== undefined && inputBytes > maxBytes) {
    issues.push({
      code: 'payload_too_large',
      message: `the graph is ${inputBytes} bytes, over the limit of ${maxBytes} bytes`,
      ids: [],
      path: '$',
    });
  }
  const index = sharedGraphIndex(graph);
  const served = opts.simulate === true ? undefined : opts.servedProviders;
  checkChanges(graph, index, served, issues);
  const currentIds = checkCurrent(graph, issues);
  checkEdges(graph, index, currentIds, issues);
  for (const { cycle, closingEdge } of findCycles(index)) {
    const ids = cycle.map((v) => index.ids[v] as string);
    issues.push({
      code: 'cycle',
      message: `cycle: ${[...ids, ids[0]].map(quote).join(' → ')}`,
      ids,
      path: `$.edges[${closingEdge}]`,
    });
  }
  checkTemplates(graph, index, currentIds, issues);
  return issues;
}

function quote(id: string | undefined): string {
  return JSON.stringify(id ?? '');
}

function checkChanges(
  graph: Graph,
  index: GraphIndex,
  served: ReadonlySet<string> | undefined,
  issues: ValidationIssue[],
): void {
  // Hot loop (100k components): messages and paths are built only when there is an issue,
  // and a type or provider equal to the previous component's is not matched again.
  const isTypeToken = tokenTest();
  const isProviderToken = tokenTest();
  // the later occurrences of repeated ids, ascending (the id table found them while being built)
  const { duplicates } = index.lookup;
  let nextDuplicate = 0;
  for (let i = 0; i < graph.changes.length; i++) {
    const c = graph.changes[i] as Graph['changes'][number];
    const repeated = duplicates[nextDuplicate] === i;
    if (repeated) nextDuplicate++;
    if (c.id === '') {
      issues.push(
        missing(`$.changes[${i}]._component_id`, `$.changes[${i}]: component has no _component_id`, c),
      );
    } else if (repeated) {
      const first = index.lookup.indexOf(c.id);
      issues.push(duplicate(c.id, `$.changes[${first}]`, `$.changes[${i}]`));
    }
    if (c.type === '') {
      issues.push(missing(`$.changes[${i}]._component`, `${nameOf(c, i)} has no _component (type)`, c));
    } else if (!isTypeToken(c.type)) {
      issues.push(badToken(`$.changes[${i}]._component`, `${nameOf(c, i)} has type ${quote(c.type)}`, c));
    }
    if (c.action === '') {
      issues.push(missing(`$.changes[${i}]._action`, `${nameOf(c, i)} has no _action`, c));
    } else if (!isAction(c.action)) {
      issues.push({
        code: 'unknown_action',
        message: `${nameOf(c, i)} has unknown action ${quote(c.action)}; expected one of ${ACTIONS.join(', ')}`,
        ids: idsOf(c),
        path: `$.changes[${i}]._action`,
      });
      if (!SUBJECT_TOKEN.test(c.action)) {
        issues.push(badToken(`$.changes[${i}]._action`, `${nameOf(c, i)} has action ${quote(c.action)}`, c));
      }
    }
    // A `none` component is never dispatched, so it needs no provider and no executor.
    const dispatched = c.action !== 'none';
    if (c.provider === '') {
      if (dispatched)
        issues.push(missing(`$.changes[${i}]._provider`, `${nameOf(c, i)} has no _provider`, c));
    } else if (!isProviderToken(c.provider)) {
      issues.push(
        badToken(`$.changes[${i}]._provider`, `${nameOf(c, i)} has provider ${quote(c.provider)}`, c),
      );
    } else if (dispatched && served !== undefined && !served.has(c.provider)) {
      issues.push({
        code: 'unserved_provider',
        message: `${nameOf(c, i)} uses provider ${quote(c.provider)}, which no executor serves (served: ${[...served].join(', ') || 'none'}); run it simulated to rehearse`,
        ids: idsOf(c),
        path: `$.changes[${i}]._provider`,
      });
    }
  }
}

/** `SUBJECT_TOKEN.test`, remembering the last value that passed. */
function tokenTest(): (value: string) => boolean {
  let passed: string | undefined;
  return (value) => {
    if (value === passed) return true;
    if (!SUBJECT_TOKEN.test(value)) return false;
    passed = value;
    return true;
  };
}

/** How messages name component `i` of changes: by its id, or by its path when it has none. */
function nameOf(c: Component, i: number): string {
  return c.id === '' ? `$.changes[${i}]` : `component ${quote(c.id)}`;
}

function idsOf(c: Component): string[] {
  return c.id === '' ? [] : [c.id];
}

/** Checks `components` (ids only: they are not run) and answers their ids. */
function checkCurrent(graph: Graph, issues: ValidationIssue[]): Set<string> {
  const firstAt = new Map<string, number>();
  for (let i = 0; i < graph.current.length; i++) {
    const { id } = graph.current[i] as Graph['current'][number];
    const path = `$.components[${i}]`;
    if (id === '') {
      issues.push(missing(`${path}._component_id`, `${path}: component has no _component_id`));
      continue;
    }
    const first = firstAt.get(id);
    if (first === undefined) firstAt.set(id, i);
    else issues.push(duplicate(id, `$.components[${first}]`, path));
  }
  return new Set(firstAt.keys());
}

function checkEdges(
  graph: Graph,
  index: GraphIndex,
  current: ReadonlySet<string>,
  issues: ValidationIssue[],
): void {
  const { edgeSources, edgeTargets } = index;
  for (let e = 0; e < graph.edges.length; e++) {
    const sourceKnown = edgeSources[e] !== -1;
    const destinationKnown = edgeTargets[e] !== -1;
    if (sourceKnown && destinationKnown) continue;
    const { source, destination } = graph.edges[e] as Graph['edges'][number];
    const edge = `edge ${quote(source)} → ${quote(destination)}`;
    if (!sourceKnown && !current.has(source)) {
      issues.push({
        code: 'unknown_edge_component',
        message: `${edge}: source ${quote(source)} is not a component of changes or components`,
        ids: [source],
        path: `$.edges[${e}].source`,
      });
    }
    if (!destinationKnown) {
      issues.push({
        code: 'unknown_edge_component',
        message: current.has(destination)
          ? `${edge}: destination ${quote(destination)} is only in components (the current state), not in changes, so it would never run`
          : `${edge}: destination ${quote(destination)} is not a component of changes or components`,
        ids: [destination],
        path: `$.edges[${e}].destination`,
      });
    }
  }
}

function checkTemplates(
  graph: Graph,
  index: GraphIndex,
  current: ReadonlySet<string>,
  issues: ValidationIssue[],
): void {
  let known: Set<string> | undefined;
  let ancestors: AncestorOracle | undefined;
  for (let v = 0; v < graph.changes.length; v++) {
    const c = graph.changes[v] as Graph['changes'][number];
    // most components hold no template: skip them before building anything
    if (!hasTemplates(c.props)) continue;
    if (known === undefined) {
      known = new Set(index.ids);
      for (const id of current) known.add(id);
      known.delete('');
    }
    ancestors ??= new AncestorOracle(index);
    const refs = templateRefs(c.props, known);
    const name = nameOf(c, v);
    if (refs === undefined) {
      issues.push({
        code: 'nesting_too_deep',
        message: `${name}: its fields nest too deeply to be checked for templates`,
        ids: idsOf(c),
        path: `$.changes[${v}]`,
      });
      continue;
    }
    for (const ref of refs) {
      const path = `$.changes[${v}]${ref.path}`;
      if (ref.syntax === 'paren') {
        for (const selected of ref.selectedIds) {
          if (known.has(selected)) continue;
          issues.push({
            code: 'unknown_template_component',
            message: `${name}: template ${ref.raw} selects ${quote(selected)}, which is not a component of changes or components`,
            ids: [...idsOf(c), selected],
            path,
          });
        }
        continue;
      }
      const target = ref.componentId;
      if (target === undefined) {
        issues.push({
          code: 'unknown_template_component',
          message: `${name}: template ${ref.raw} names no component of changes or components`,
          ids: idsOf(c),
          path,
        });
      } else if (!current.has(target) && !ancestors.isAncestor(index.lookup.indexOf(target), v)) {
        issues.push({
          code: 'template_not_ancestor',
          message: `${name}: template ${ref.raw} reads ${quote(target)}, which is neither an ancestor of it through edges nor in components, so its value could not exist yet`,
          ids: [...idsOf(c), target],
          path,
        });
      }
    }
  }
}

/** `listTemplateRefs`, or undefined when `props` nest deeper than the call stack allows. */
function templateRefs(props: Record<string, unknown>, known: ReadonlySet<string>): TemplateRef[] | undefined {
  try {
    return listTemplateRefs(props, known);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function missing(path: string, message: string, c?: Component): ValidationIssue {
  return { code: 'missing_field', message, ids: c === undefined ? [] : idsOf(c), path };
}

function duplicate(id: string, firstPath: string, path: string): ValidationIssue {
  return {
    code: 'duplicate_id',
    message: `component id ${quote(id)} appears more than once (${firstPath} and ${path})`,
    ids: [id],
    path: `${path}._component_id`,
  };
}

function badToken(path: string, what: string, c: Component): ValidationIssue {
  return {
    code: 'invalid_subject_token',
    message: `${what}, which cannot be a NATS subject token: use only letters, digits, _ and -`,
    ids: idsOf(c),
    path,
  };
}
