'use client';
// `/builds/new`: pick a saved graph (or upload a file to run without saving), choose the
// environment and options, read the plan, start the build and go to its monitor.
import { parseGraph, validateGraph } from '@ordo/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { type ChangeEvent, useDeferredValue, useId, useMemo, useState } from 'react';
import { useTRPC } from '@/trpc/client';
import { errorIssues, errorReason } from './errors';
import { buildPlan, mergeCurrent } from './plan';
import { PlanView } from './plan-view';
import type { CreateBuildInput } from './types';
import { useEnvironmentCurrent } from './use-environment-current';

type Source =
  | { kind: 'saved'; name: string; version?: number }
  | { kind: 'file'; fileName: string; document: Record<string, unknown> }
  | { kind: 'none' };

type Policy = 'fail-fast' | 'continue';

export function NewBuild({ graph, version }: { graph?: string; version?: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const ids = useId();
  const [source, setSource] = useState<Source>(
    graph ? { kind: 'saved', name: graph, ...(version ? { version } : {}) } : { kind: 'none' },
  );
  const [fileError, setFileError] = useState<string | null>(null);
  const [environmentInput, setEnvironmentInput] = useState<string | null>(null);
  const [simulate, setSimulate] = useState(true);
  const [policy, setPolicy] = useState<Policy>('fail-fast');
  const [concurrency, setConcurrency] = useState('');

  const saved = useQuery(trpc.graph.list.queryOptions());
  const definition = useQuery({
    ...trpc.graph.get.queryOptions(
      source.kind === 'saved'
        ? { name: source.name, ...(source.version ? { version: source.version } : {}) }
        : { name: '-' },
    ),
    enabled: source.kind === 'saved',
  });

  const document: Record<string, unknown> | null =
    source.kind === 'file'
      ? source.document
      : source.kind === 'saved'
        ? (definition.data?.document ?? null)
        : null;
  const parsed = useMemo(() => (document ? parseGraph(document) : null), [document]);
  const parsedGraph = parsed?.ok ? parsed.graph : null;

  const environment = (environmentInput ?? parsedGraph?.name ?? '').trim();
  const deferredEnvironment = useDeferredValue(environment);
  const current = useEnvironmentCurrent(deferredEnvironment);

  const mergedCurrent = useMemo(
    () => (parsedGraph ? mergeCurrent(parsedGraph.current, current.components ?? []) : []),
    [parsedGraph, current.components],
  );
  const plan = useMemo(
    () => (parsedGraph ? buildPlan(parsedGraph, mergedCurrent) : []),
    [parsedGraph, mergedCurrent],
  );
  const issues = useMemo(() => {
    if (!parsed) return [];
    if (!parsed.ok) return parsed.issues;
    return validateGraph({ ...parsed.graph, current: mergedCurrent }, { simulate });
  }, [parsed, mergedCurrent, simulate]);

  const create = useMutation(
    trpc.build.create.mutationOptions({
      onSuccess: ({ id }) => router.push(`/builds/${encodeURIComponent(id)}`),
    }),
  );

  const choose = (next: Source) => {
    setSource(next);
    setEnvironmentInput(null);
    setFileError(null);
    create.reset();
  };

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    if (!file) return;
    try {
      const value: unknown = JSON.parse(await file.text());
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new Error('expected a JSON object (a graph)');
      }
      choose({ kind: 'file', fileName: file.name, document: value as Record<string, unknown> });
    } catch (error) {
      choose({ kind: 'none' });
      setFileError(`${file.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const limit = concurrency.trim() === '' ? undefined : Number(concurrency);
  const limitValid = limit === undefined || (Number.isInteger(limit) && limit >= 0);

  function start() {
    if (!document || !limitValid) return;
    const input: CreateBuildInput = {
      graph: document,
      simulate,
      policy,
      ...(environment ? { environment } : {}),
      ...(limit === undefined ? {} : { concurrency: limit }),
    };
    create.mutate(input);
  }

  const savedValue = source.kind === 'saved' ? source.name : '';
  const serverIssues = create.error ? errorIssues(create.error) : [];

  return (
    <div className="bm-new">
      <section className="bm-card" aria-label="Graph">
        <h2>Graph</h2>
        <div className="bm-form-row">
          <label htmlFor={`${ids}-saved`}>Saved graph</label>
          <select
            id={`${ids}-saved`}
            value={savedValue}
            onChange={(e) =>
              choose(e.target.value ? { kind: 'saved', name: e.target.value } : { kind: 'none' })
            }
          >
            <option value="">{saved.isLoading ? 'Loading…' : '— choose a saved graph —'}</option>
            {source.kind === 'saved' && !saved.data?.definitions.some((d) => d.name === source.name) && (
              <option value={source.name}>{source.name}</option>
            )}
            {saved.data?.definitions.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} (v{d.version})
              </option>
            ))}
          </select>
        </div>
        <div className="bm-form-row">
          <label htmlFor={`${ids}-file`}>Or run a file</label>
          <input
            id={`${ids}-file`}
            type="file"
            accept=".json,application/json"
            aria-label="Graph file"
            onChange={onFile}
          />
        </div>
        <p className="bm-small bm-muted">
          A file runs as it is, without being saved: Ernest mapping, gorch task or Ordo native JSON.
        </p>
        {fileError && (
          <p className="bm-refused" role="alert">
            {fileError}
          </p>
        )}
        {source.kind === 'saved' && definition.error && (
          <p className="bm-refused" role="alert">
            Could not load {source.name}: {errorReason(definition.error)}
          </p>
        )}
        {parsed?.ok && (
          <p className="bm-source" data-testid="graph-source">
            <strong>{parsed.graph.name || '(unnamed)'}</strong> · {parsed.format} ·{' '}
            {parsed.graph.changes.length} components · {parsed.graph.edges.length} edges
            {source.kind === 'saved' && definition.data && <> · saved version {definition.data.version}</>}
            {source.kind === 'file' && <> · from {source.fileName}</>}
          </p>
        )}
      </section>

      {document && (
        <section className="bm-card" aria-label="Options">
          <h2>Options</h2>
          <div className="bm-options">
            <div className="bm-form-row">
              <label htmlFor={`${ids}-env`}>Environment</label>
              <input
                id={`${ids}-env`}
                type="text"
                value={environmentInput ?? parsedGraph?.name ?? ''}
                onChange={(e) => setEnvironmentInput(e.target.value)}
              />
            </div>
            <div className="bm-form-row">
              <label htmlFor={`${ids}-policy`}>On failure</label>
              <select
                id={`${ids}-policy`}
                value={policy}
                onChange={(e) => setPolicy(e.target.value as Policy)}
              >
                <option value="fail-fast">fail fast: dispatch nothing new</option>
                <option value="continue">continue other branches</option>
              </select>
            </div>
            <div className="bm-form-row">
              <label htmlFor={`${ids}-concurrency`}>Concurrency limit</label>
              <input
                id={`${ids}-concurrency`}
                type="number"
                min={0}
                step={1}
                placeholder="unlimited"
                value={concurrency}
                onChange={(e) => setConcurrency(e.target.value)}
              />
            </div>
            <div className="bm-form-row">
              <label>
                <input type="checkbox" checked={simulate} onChange={(e) => setSimulate(e.target.checked)} />{' '}
                Simulate (the sim provider answers for every provider)
              </label>
            </div>
          </div>
          {!limitValid && <p className="bm-refused">The concurrency limit is a whole number ≥ 0.</p>}
        </section>
      )}

      {document && (
        <section className="bm-card" aria-label="Plan">
          <h2>Plan</h2>
          <p className="bm-small bm-muted">
            {environment === ''
              ? 'No environment named.'
              : current.loading
                ? `Reading the current state of ${environment}…`
                : current.known
                  ? `Compared with the current state of environment ${environment}: ${current.components?.length ?? 0} components (plus the graph's own "components").`
                  : `Environment ${environment} has no builds yet: compared with the graph's own "components" only.`}
          </p>
          {parsedGraph && <PlanView groups={plan} />}
          {issues.length > 0 && (
            <div className="bm-issues" data-testid="plan-issues">
              <p className="bm-text-bad">
                {issues.length} problem{issues.length === 1 ? '' : 's'} found; the server will refuse this
                graph:
              </p>
              <ul>
                {issues.map((issue) => (
                  <li key={`${issue.code}:${issue.path}:${issue.message}`}>
                    <code>{issue.code}</code> {issue.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </section>
      )}

      {document && (
        <div className="bm-start">
          <button
            type="button"
            className="bm-button bm-primary bm-big"
            disabled={create.isPending || create.isSuccess || !limitValid}
            onClick={start}
          >
            {create.isPending || create.isSuccess ? 'Starting…' : 'Start build'}
          </button>
          {create.error && (
            <div className="bm-refused" role="alert">
              <p>Refused: {errorReason(create.error)}</p>
              {serverIssues.length > 0 && (
                <ul>
                  {serverIssues.map((issue) => (
                    <li key={`${issue.code}:${issue.path}:${issue.message}`}>
                      <code>{issue.code}</code> {issue.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}

      {source.kind === 'none' && saved.data?.definitions.length === 0 && (
        <p className="bm-muted">No saved graphs yet: draw one in the editor, or run a file.</p>
      )}
    </div>
  );
}
