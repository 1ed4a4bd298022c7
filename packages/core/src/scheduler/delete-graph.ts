/**
 * The graph of a build that destroys an environment (an operator's destroy, or an expired
 * lifetime): design.md "Edges are execution order, as given". Ordo makes this graph itself, so
 * it reverses the environment's dependency edges; an imported Ernest delete mapping is already
 * in deletion order and is run as given (`createBuild` never reverses anything).
 */

import type { Component, Edge, Graph } from '../graph/model';
import type { EnvironmentSnapshot } from './types';

/**
 * `changes` = every current component with action `delete` — except `none` components
 * (credentials and the like): they name no resource, so they stay `none` and keep serving
 * templates until the end. Edges among current components are reversed (a dependant is
 * deleted before what it depends on); edges naming anything else are dropped.
 */
export function deriveDeleteGraph(environment: EnvironmentSnapshot): Graph {
  const ids = new Set(environment.current.map((c) => c.id));
  const changes: Component[] = environment.current.map((c) => {
    const { state: _history, ...rest } = c;
    return { ...rest, action: c.action === 'none' ? 'none' : 'delete' };
  });
  const edges: Edge[] = [];
  for (const e of environment.edges) {
    if (ids.has(e.source) && ids.has(e.destination))
      edges.push({ source: e.destination, destination: e.source });
  }
  return {
    name: environment.name,
    action: 'service.delete',
    changes,
    current: environment.current.slice(),
    edges,
  };
}
