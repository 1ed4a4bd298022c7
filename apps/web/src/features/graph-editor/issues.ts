// Which drawn nodes and edges a list of validation issues concerns, for the red outlines.
import type { Graph, ValidationIssue } from '@ordo/core';
import { edgeId } from './mapper';

export interface InvalidElements {
  /** component ids named by any issue */
  nodes: ReadonlySet<string>;
  /** editor edge ids (`edgeId`): edges an issue's path points at, and the edges of each cycle */
  edges: ReadonlySet<string>;
}

export const NO_INVALID: InvalidElements = { nodes: new Set(), edges: new Set() };

const EDGE_PATH = /^\$\.edges\[(\d+)\]/;

/** `graph` is the core graph the issues were found in (its edge order gives `$.edges[i]`). */
export function invalidElements(issues: readonly ValidationIssue[], graph: Graph): InvalidElements {
  if (issues.length === 0) return NO_INVALID;
  const nodes = new Set<string>();
  const edges = new Set<string>();
  for (const issue of issues) {
    for (const id of issue.ids) nodes.add(id);
    const match = EDGE_PATH.exec(issue.path);
    if (match !== null) {
      const edge = graph.edges[Number(match[1])];
      if (edge !== undefined) edges.add(edgeId(edge.source, edge.destination));
    }
    if (issue.code === 'cycle') {
      issue.ids.forEach((id, i) => {
        const next = issue.ids[(i + 1) % issue.ids.length] as string;
        edges.add(edgeId(id, next));
      });
    }
  }
  return { nodes, edges };
}

/** An issue's first id that is drawn, to select and zoom to. */
export function focusIdOf(issue: ValidationIssue, drawn: (id: string) => boolean): string | undefined {
  return issue.ids.find(drawn);
}
