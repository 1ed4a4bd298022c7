'use client';

import { parseGraph, type ValidationIssue, validateGraph } from '@ordo/core';
import { type ChangeEvent, useState } from 'react';

type Outcome =
  | { kind: 'idle' }
  | { kind: 'valid'; format: string; components: number; edges: number }
  | { kind: 'invalid'; issues: ValidationIssue[] };

/** Parse and validate a graph in the browser with the same core the runner uses. */
function check(text: string): Outcome {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', issues: [{ code: 'invalid_json', message, ids: [], path: '$' }] };
  }
  const parsed = parseGraph(input);
  if (!parsed.ok) return { kind: 'invalid', issues: parsed.issues };
  const issues = validateGraph(parsed.graph, { simulate: true });
  if (issues.length > 0) return { kind: 'invalid', issues };
  return {
    kind: 'valid',
    format: parsed.format,
    components: parsed.graph.changes.length,
    edges: parsed.graph.edges.length,
  };
}

export function GraphCheck() {
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    const content = await file.text();
    setText(content);
    setOutcome(check(content));
  }

  return (
    <section className="panel" aria-label="Graph check">
      <p>
        <input type="file" accept=".json,application/json" onChange={onFile} aria-label="Graph file" />
      </p>
      <textarea
        aria-label="Graph JSON"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder='{"id": "shop", "edges": [], "components": [], "changes": []}'
      />
      <p>
        <button type="button" onClick={() => setOutcome(check(text))}>
          Check graph
        </button>
      </p>
      {outcome.kind === 'valid' && (
        <p className="ok" data-outcome="valid">
          Valid {outcome.format} graph: {outcome.components} components, {outcome.edges} edges.
        </p>
      )}
      {outcome.kind === 'invalid' && (
        <div data-outcome="invalid">
          <p className="bad">{outcome.issues.length} problem(s) found:</p>
          <ul className="issues">
            {outcome.issues.map((issue) => (
              <li key={`${issue.code}:${issue.path}:${issue.message}`}>
                <code>{issue.code}</code> {issue.message} <code>{issue.path}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
