'use client';
// A file picker and drop zone for graph files (JSON or YAML, any accepted format).
import { type DragEvent, useId, useState } from 'react';

export const UPLOAD_ACCEPT = '.json,.yaml,.yml,application/json,application/yaml,text/yaml';

export function UploadZone({ onFile }: { onFile: (file: File) => void }) {
  const inputId = useId();
  const [over, setOver] = useState(false);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) onFile(file);
  };
  return (
    <section className="ge-panel-section" aria-label="Upload">
      <h2 className="ge-heading">Upload</h2>
      <fieldset
        className="ge-dropzone"
        data-over={over ? 'true' : 'false'}
        onDragOver={(event) => {
          if (!event.dataTransfer.types.includes('Files')) return;
          event.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <label htmlFor={inputId}>Upload graph file</label>
        <input
          id={inputId}
          className="ge-visually-hidden"
          type="file"
          accept={UPLOAD_ACCEPT}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file !== undefined) onFile(file);
            event.target.value = '';
          }}
        />
        <p className="ge-hint">
          Or drop a file here or on the canvas: Ernest, gorch or Ordo, as JSON or YAML.
        </p>
      </fieldset>
    </section>
  );
}
