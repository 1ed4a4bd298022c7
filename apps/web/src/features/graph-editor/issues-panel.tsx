'use client';
// The live validation problems of the editor graph.
import type { ValidationIssue } from '@ordo/core';
import { useCallback } from 'react';
import { nodesById } from './editor-store';
import { IssueList } from './issue-list';
import { focusIdOf } from './issues';
import { useEditor, useEditorApi } from './store-context';
import { useFocusNode } from './use-focus-node';

export function IssuesPanel() {
  const issues = useEditor((state) => state.issues);
  const pending = useEditor((state) => state.validatedRevision !== state.revision);
  const store = useEditorApi();
  const focusNode = useFocusNode();

  const onChoose = useCallback(
    (issue: ValidationIssue) => {
      const index = nodesById(store.getState().nodes);
      const id = focusIdOf(issue, (candidate) => index.has(candidate));
      if (id !== undefined) focusNode(id);
    },
    [store, focusNode],
  );

  return (
    <section className="ge-panel-section ge-problems" aria-label="Problems">
      <h2 className="ge-heading">
        Problems <span className="ge-count">{issues.length}</span>
        {pending && <span className="ge-hint"> checking…</span>}
      </h2>
      {issues.length === 0 && <p className="ge-ok">No problems: this graph can run (simulated).</p>}
      <IssueList issues={issues} label="Validation problems" onChoose={onChoose} />
    </section>
  );
}
