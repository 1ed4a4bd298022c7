// React Flow settings both canvases share (perf-notes.md: visible-only rendering and a zoom
// floor keep the mounted node count small on 10k-component graphs).
export const MIN_ZOOM = 0.2;

export const FIT_VIEW_OPTIONS = { padding: 0.15, minZoom: MIN_ZOOM, maxZoom: 1.2 } as const;

/**
 * No `fitView` here: on the editor canvas it would refit when the first component is drawn on
 * an empty canvas and move it from under the mouse. The editor fits after loads and layouts;
 * the read-only preview fits on mount.
 */
export const flowDefaults = {
  onlyRenderVisibleElements: true,
  minZoom: MIN_ZOOM,
  maxZoom: 2,
} as const;
