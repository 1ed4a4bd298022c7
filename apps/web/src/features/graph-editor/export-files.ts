// Export buttons: the editor graph in each format core writes, downloaded as a file.
import { type ExportFormat, exportGraph, type Graph } from '@ordo/core';

export const EXPORTS: readonly {
  format: ExportFormat;
  /** what the button says */
  short: string;
  label: string;
  suffix: string;
  mime: string;
}[] = [
  {
    format: 'ernest',
    short: 'Ernest',
    label: 'Ernest JSON',
    suffix: '.ernest.json',
    mime: 'application/json',
  },
  { format: 'gorch', short: 'gorch', label: 'gorch JSON', suffix: '.gorch.json', mime: 'application/json' },
  { format: 'ordo', short: 'Ordo', label: 'Ordo JSON', suffix: '.ordo.json', mime: 'application/json' },
  { format: 'dot', short: 'DOT', label: 'DOT', suffix: '.dot', mime: 'text/vnd.graphviz' },
];

/** The file name and text of `graph` in `format`. */
export function exportFile(graph: Graph, format: ExportFormat): { fileName: string; text: string } {
  const spec = EXPORTS.find((candidate) => candidate.format === format) ?? EXPORTS[0];
  const base = (graph.name.trim() || 'graph').replace(/[^A-Za-z0-9._-]+/g, '_');
  const value = exportGraph(graph, format);
  const text = typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`;
  return { fileName: `${base}${spec?.suffix ?? '.json'}`, text };
}

/** Hands a text to the browser as a download. */
export function download(fileName: string, text: string, mime: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}
