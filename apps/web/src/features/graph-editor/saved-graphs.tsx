'use client';
// The saved graphs (latest version of each name), to open one in the editor.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/trpc/client';

export function SavedGraphs({ onOpen }: { onOpen: (name: string) => void }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.graph.list.queryOptions());
  const definitions = list.data?.definitions ?? [];
  return (
    <section className="ge-panel-section" aria-label="Saved graphs">
      <h2 className="ge-heading">Saved graphs</h2>
      {list.isPending && <p className="ge-hint">Loading…</p>}
      {list.isError && <p className="ge-bad">Could not load the saved graphs: {list.error.message}</p>}
      {list.isSuccess && definitions.length === 0 && <p className="ge-hint">Nothing saved yet.</p>}
      <ul className="ge-saved" aria-label="Saved graph list">
        {definitions.map((definition) => (
          <li key={definition.name}>
            <button
              type="button"
              className="ge-saved-item"
              onClick={() => onOpen(definition.name)}
              aria-label={`Open ${definition.name}`}
            >
              <span className="ge-saved-name">{definition.name}</span>
              <span className="ge-saved-version">v{definition.version}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
