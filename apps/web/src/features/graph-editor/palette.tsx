'use client';
// Component types to drag onto the canvas (or click: placed in the middle of the view).
import { useReactFlow } from '@xyflow/react';
import { type DragEvent, useId, useState } from 'react';
import { useEditor } from './store-context';
import { NODE_HEIGHT, NODE_WIDTH, PALETTE_MIME, PALETTE_TYPES } from './types';

function startDrag(event: DragEvent, type: string) {
  event.dataTransfer.setData(PALETTE_MIME, type);
  event.dataTransfer.setData('text/plain', type);
  event.dataTransfer.effectAllowed = 'copy';
}

export function Palette() {
  const actions = useEditor((state) => state.actions);
  const { screenToFlowPosition } = useReactFlow();
  const [custom, setCustom] = useState('');
  const customId = useId();

  const addAtCentre = (type: string) => {
    const pane = document.querySelector('[data-testid="editor-canvas"]')?.getBoundingClientRect();
    const at = pane
      ? screenToFlowPosition({ x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 })
      : { x: 0, y: 0 };
    actions.addComponent(type, { x: at.x - NODE_WIDTH / 2, y: at.y - NODE_HEIGHT / 2 });
  };

  const customType = custom.trim();
  return (
    <section className="ge-panel-section" aria-label="Palette">
      <h2 className="ge-heading">Palette</h2>
      <p className="ge-hint">Drag onto the canvas, or click to add.</p>
      <ul className="ge-palette">
        {PALETTE_TYPES.map((type) => (
          <li key={type}>
            <button
              type="button"
              className="ge-palette-item"
              draggable
              onDragStart={(event) => startDrag(event, type)}
              onClick={() => addAtCentre(type)}
              data-type={type}
            >
              <span className={`ge-swatch ge-swatch-${type}`} aria-hidden="true" />
              {type}
            </button>
          </li>
        ))}
      </ul>
      <label htmlFor={customId} className="ge-label">
        Other type
      </label>
      <div className="ge-custom">
        <input
          id={customId}
          value={custom}
          placeholder="e.g. s3_bucket"
          onChange={(event) => setCustom(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && customType !== '') addAtCentre(customType);
          }}
        />
        <button
          type="button"
          className="ge-palette-item"
          draggable={customType !== ''}
          disabled={customType === ''}
          onDragStart={(event) => startDrag(event, customType)}
          onClick={() => addAtCentre(customType)}
          aria-label={customType === '' ? 'Add a component of another type' : `Add ${customType}`}
        >
          Add
        </button>
      </div>
    </section>
  );
}
