'use client';
import { useReactFlow } from '@xyflow/react';
import { useCallback } from 'react';
import { nodesById } from './editor-store';
import { useEditorApi } from './store-context';
import { NODE_HEIGHT, NODE_WIDTH } from './types';

/** Selects a component of the editor graph and centres the canvas on it. */
export function useFocusNode(): (id: string) => boolean {
  const store = useEditorApi();
  const { setCenter, getZoom } = useReactFlow();
  return useCallback(
    (id: string) => {
      const node = nodesById(store.getState().nodes).get(id);
      if (node === undefined) return false;
      store.getState().actions.selectOnly([id]);
      void setCenter(node.position.x + NODE_WIDTH / 2, node.position.y + NODE_HEIGHT / 2, {
        zoom: Math.max(getZoom(), 1),
        duration: 300,
      });
      return true;
    },
    [store, setCenter, getZoom],
  );
}
