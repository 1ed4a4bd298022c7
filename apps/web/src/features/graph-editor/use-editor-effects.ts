'use client';
// The editor's two background behaviours: live validation and keyboard shortcuts.
import { validateGraph } from '@ordo/core';
import { useEffect } from 'react';
import type { EditorStore } from './editor-store';
import { toCoreGraph } from './mapper';

/** Validation runs this long after the last change (fast enough at 10k components). */
export const VALIDATION_DELAY_MS = 150;

/** Validates the graph (simulated: any provider) after each change, debounced. */
export function useLiveValidation(store: EditorStore): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () => {
      const state = store.getState();
      const graph = toCoreGraph(state);
      state.actions.setValidation(validateGraph(graph, { simulate: true }), graph, state.revision);
    };
    run();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.revision === previous.revision) return;
      clearTimeout(timer);
      timer = setTimeout(run, VALIDATION_DELAY_MS);
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/**
 * Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z or Ctrl/⌘+Y redo, Ctrl/⌘+C copy, Ctrl/⌘+V paste, Delete or
 * Backspace delete the selection. Ignored while typing in a field (the field's own undo wins),
 * and while `paused` (an upload preview covers the canvas).
 */
export function useShortcuts(store: EditorStore, paused: boolean): void {
  useEffect(() => {
    if (paused) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (isTyping(event.target) || event.altKey) return;
      const { actions } = store.getState();
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 'z' && !event.shiftKey) actions.undo();
      else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) actions.redo();
      else if (mod && key === 'c' && !event.shiftKey) {
        if (window.getSelection()?.toString()) return; // copying page text
        if (actions.copySelection() === 0) return;
      } else if (mod && key === 'v' && !event.shiftKey) actions.paste();
      else if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) actions.deleteSelected();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [store, paused]);
}
