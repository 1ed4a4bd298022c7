'use client';
// An uploaded graph that did not validate, drawn read-only over the canvas with its problems
// highlighted. Nothing of it is loaded into the editor graph, and nothing is saved.
import type { ValidationIssue } from '@ordo/core';
import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { FIT_VIEW_OPTIONS, flowDefaults } from './flow-defaults';
import { edgeTypes, nodeTypes } from './flow-nodes';
import { IssueList } from './issue-list';
import { LayerContext, useEditor } from './store-context';
import { type DependencyEdge, type EditorNode, NODE_HEIGHT, NODE_WIDTH } from './types';

export function UploadPreviewLayer() {
  const preview = useEditor((state) => state.preview);
  const actions = useEditor((state) => state.actions);
  if (preview === null) return null;
  const count = preview.issues.length;
  return (
    <section className="ge-preview" aria-label="Invalid upload">
      <header className="ge-preview-head">
        <div>
          <strong>Invalid upload: {preview.fileName}</strong>
          <span className="ge-hint">
            {' '}
            {preview.format === null ? 'not a graph in a known format' : `${preview.format} graph`} · {count}{' '}
            problem{count === 1 ? '' : 's'} · nothing was loaded or saved
          </span>
        </div>
        <button type="button" onClick={actions.discardPreview}>
          Discard upload
        </button>
      </header>
      <LayerContext.Provider value="preview">
        <ReactFlowProvider>
          <div className="ge-preview-body">
            <div className="ge-preview-canvas" data-testid="preview-canvas">
              {preview.nodes.length > 0 ? (
                <ReactFlow<EditorNode, DependencyEdge>
                  {...flowDefaults}
                  fitView
                  fitViewOptions={{ ...FIT_VIEW_OPTIONS, padding: 0.3 }}
                  nodes={preview.nodes}
                  edges={preview.edges}
                  nodeTypes={nodeTypes}
                  edgeTypes={edgeTypes}
                  nodesDraggable={false}
                  nodesConnectable={false}
                  elementsSelectable={false}
                  deleteKeyCode={null}
                  aria-label="Invalid upload preview"
                >
                  <Background gap={20} size={1} />
                  <Controls showInteractive={false} />
                </ReactFlow>
              ) : (
                <p className="ge-preview-empty">
                  The file could not be read as a graph, so there is nothing to draw.
                </p>
              )}
            </div>
            <PreviewIssues issues={preview.issues} nodes={preview.nodes} />
          </div>
        </ReactFlowProvider>
      </LayerContext.Provider>
    </section>
  );
}

function PreviewIssues({ issues, nodes }: { issues: ValidationIssue[]; nodes: EditorNode[] }) {
  const { setCenter } = useReactFlow();
  const onChoose = useCallback(
    (issue: ValidationIssue) => {
      const node = nodes.find((candidate) => issue.ids.includes(candidate.id));
      if (node === undefined) return;
      void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
        zoom: 1,
        duration: 300,
      });
    },
    [nodes, setCenter],
  );
  return (
    <div className="ge-preview-issues">
      <h2 className="ge-heading">Problems in the upload</h2>
      <IssueList issues={issues} label="Upload problems" onChoose={onChoose} />
    </div>
  );
}
