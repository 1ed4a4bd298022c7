/**
 * Graphviz DOT export (there is no DOT import).
 *
 * ```
 * digraph "shop" {
 *   rankdir=LR;
 *   node [shape=box];
 *   "vpc::shop" [label="vpc::shop\ncreate sim"];
 *   "vpc::shop" -> "network::shop";
 * }
 * ```
 * One node per component of `changes`; an edge from a component that is only in
 * `components` (already satisfied) makes Graphviz draw a plain node for it.
 */
import type { Graph } from '../graph/model';

/**
 * A DOT double-quoted string. `"` and `\` are escaped, so no id can end the string early or
 * turn into another escape; line breaks become `\n`, which Graphviz shows as a line break in
 * a label. (In an id, DOT keeps `\\` as two characters; every occurrence of an id is
 * escaped alike, so it stays one node.)
 */
export function dotString(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

export function exportDot(graph: Graph): string {
  const lines = [`digraph ${dotString(graph.name)} {`, '  rankdir=LR;', '  node [shape=box];'];
  for (const component of graph.changes) {
    const label = `${component.id}\n${component.action} ${component.provider}`;
    lines.push(`  ${dotString(component.id)} [label=${dotString(label)}];`);
  }
  for (const edge of graph.edges) {
    lines.push(`  ${dotString(edge.source)} -> ${dotString(edge.destination)};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
