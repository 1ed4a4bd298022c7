import { GraphEditor } from '@/features/graph-editor/graph-editor';

export default function EditorPage() {
  return (
    <main className="ge-main">
      <h1 className="ge-visually-hidden">Graph editor</h1>
      <GraphEditor />
    </main>
  );
}
