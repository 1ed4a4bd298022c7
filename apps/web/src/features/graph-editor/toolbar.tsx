'use client';
// The editor's top bar: name, save, run; undo/redo; layout and fit; find; export.
import { useState } from 'react';
import { download, EXPORTS, exportFile } from './export-files';
import { toCoreGraph } from './mapper';
import { useFitGraph } from './overview';
import { useEditor, useEditorApi } from './store-context';
import { useFocusNode } from './use-focus-node';

export type Status = { kind: 'ok' | 'error' | 'busy'; text: string };

export const GRAPH_NAME_INPUT_ID = 'ge-graph-name';

export function Toolbar({
  onSave,
  onRun,
  onLayout,
  layoutBusy,
  saving,
  status,
}: {
  onSave: () => void;
  onRun: () => void;
  onLayout: () => void;
  layoutBusy: boolean;
  saving: boolean;
  status: Status | null;
}) {
  const store = useEditorApi();
  const name = useEditor((state) => state.meta.name);
  const canUndo = useEditor((state) => state.past.length > 0);
  const canRedo = useEditor((state) => state.future.length > 0);
  const components = useEditor((state) => state.nodes.length);
  const edges = useEditor((state) => state.edges.length);
  const current = useEditor((state) => state.meta.current.length);
  const actions = useEditor((state) => state.actions);
  const fitGraph = useFitGraph();
  const focusNode = useFocusNode();
  const [query, setQuery] = useState('');
  const [searchMiss, setSearchMiss] = useState<string | null>(null);

  const find = () => {
    const wanted = query.trim();
    if (wanted === '') return;
    const { nodes } = store.getState();
    const lower = wanted.toLowerCase();
    const match =
      nodes.find((node) => node.id === wanted) ?? nodes.find((node) => node.id.toLowerCase().includes(lower));
    setSearchMiss(match === undefined ? `No component id contains “${wanted}”.` : null);
    if (match !== undefined) focusNode(match.id);
  };

  const exportAs = (format: (typeof EXPORTS)[number]) => {
    try {
      const { fileName, text } = exportFile(toCoreGraph(store.getState()), format.format);
      download(fileName, text, format.mime);
    } catch (error) {
      actions.setNotice({
        kind: 'error',
        text: `Export as ${format.label} failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  };

  return (
    <div className="ge-toolbar">
      <fieldset className="ge-group">
        <legend className="ge-visually-hidden">Save and run</legend>
        <label htmlFor={GRAPH_NAME_INPUT_ID} className="ge-visually-hidden">
          Graph name
        </label>
        <input
          id={GRAPH_NAME_INPUT_ID}
          className="ge-name"
          placeholder="Graph name"
          value={name}
          onChange={(event) => actions.setGraphName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onSave();
          }}
        />
        <button type="button" className="ge-primary" onClick={onSave} disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={onRun} disabled={saving}>
          Run…
        </button>
      </fieldset>
      <fieldset className="ge-group">
        <legend className="ge-visually-hidden">History</legend>
        <button type="button" onClick={actions.undo} disabled={!canUndo} title="Ctrl+Z">
          Undo
        </button>
        <button type="button" onClick={actions.redo} disabled={!canRedo} title="Ctrl+Shift+Z or Ctrl+Y">
          Redo
        </button>
      </fieldset>
      <fieldset className="ge-group">
        <legend className="ge-visually-hidden">View</legend>
        <button type="button" onClick={onLayout} disabled={layoutBusy || components === 0}>
          {layoutBusy ? 'Laying out…' : 'Layout'}
        </button>
        <button type="button" onClick={() => void fitGraph({ duration: 200 })}>
          Fit view
        </button>
        <button type="button" onClick={actions.clear} disabled={components === 0}>
          Clear
        </button>
      </fieldset>
      <div className="ge-group">
        <label htmlFor="ge-find" className="ge-visually-hidden">
          Find component
        </label>
        <input
          id="ge-find"
          className="ge-find"
          type="search"
          placeholder="Find by id, Enter"
          value={query}
          aria-invalid={searchMiss !== null}
          title={searchMiss ?? undefined}
          onChange={(event) => {
            setQuery(event.target.value);
            setSearchMiss(null);
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') find();
          }}
        />
        {searchMiss !== null && <span className="ge-bad ge-small">{searchMiss}</span>}
      </div>
      <fieldset className="ge-group">
        <legend className="ge-visually-hidden">Export</legend>
        <span className="ge-group-label" aria-hidden="true">
          Export
        </span>
        {EXPORTS.map((format) => (
          <button
            key={format.format}
            type="button"
            onClick={() => exportAs(format)}
            disabled={components === 0}
            aria-label={`Export ${format.label}`}
            title={`Download as ${format.label}`}
          >
            {format.short}
          </button>
        ))}
      </fieldset>
      <div className="ge-toolbar-end">
        <span className="ge-summary" data-testid="graph-summary">
          {components} component{components === 1 ? '' : 's'} · {edges} edge{edges === 1 ? '' : 's'}
          {current > 0 ? ` · ${current} current` : ''}
        </span>
        <span
          className={`ge-status ge-status-${status?.kind ?? 'none'}`}
          role="status"
          data-testid="save-status"
          title={status?.text}
        >
          {status?.text ?? ''}
        </span>
      </div>
    </div>
  );
}
