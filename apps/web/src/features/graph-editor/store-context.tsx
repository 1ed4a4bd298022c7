'use client';
// One editor store per editor instance, handed down through context and read through
// selectors (style.md habit 8). `LayerContext` tells a node or edge component which graph it
// belongs to: the editor's own, or an invalid upload's read-only preview.
import { createContext, type ReactNode, useContext, useState } from 'react';
import { useStore } from 'zustand';
import { createEditorStore, type EditorState, type EditorStore } from './editor-store';
import { type InvalidElements, NO_INVALID } from './issues';

const EditorStoreContext = createContext<EditorStore | null>(null);

export function EditorStoreProvider({ children }: { children: ReactNode }) {
  const [store] = useState(() => createEditorStore());
  return <EditorStoreContext.Provider value={store}>{children}</EditorStoreContext.Provider>;
}

export function useEditorApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (store === null) throw new Error('useEditor must be used inside <EditorStoreProvider>');
  return store;
}

/** A slice of the editor state; the component re-renders only when the slice changes. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorApi(), selector);
}

export type Layer = 'editor' | 'preview';

export const LayerContext = createContext<Layer>('editor');

function invalidOf(state: EditorState, layer: Layer): InvalidElements {
  return layer === 'editor' ? state.invalid : (state.preview?.invalid ?? NO_INVALID);
}

/** Whether a validation issue names this node, in the graph of the surrounding layer. */
export function useInvalidNode(id: string): boolean {
  const layer = useContext(LayerContext);
  return useEditor((state) => invalidOf(state, layer).nodes.has(id));
}

/** Whether a validation issue concerns this edge (preview ids of repeated edges end in `#n`). */
export function useInvalidEdge(id: string): boolean {
  const layer = useContext(LayerContext);
  const base = id.replace(/#\d+$/, '');
  return useEditor((state) => invalidOf(state, layer).edges.has(base));
}
