'use client';
// The selected component's fields. Text fields commit on blur or Enter (one undo step per
// edit, not per keystroke); the action select commits at once. Properties are a JSON object
// checked on blur; templates in it are checked as you type against the drawn components.
import { ACTIONS, listTemplateRefs, type TemplateRef } from '@ordo/core';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nodesById, selectedIds } from './editor-store';
import { withKeys } from './issue-list';
import { ancestorsOf } from './reachability';
import { useEditor } from './store-context';
import type { ComponentNode } from './types';

/** Fields that have their own inputs, refused inside the properties JSON. */
const RESERVED = ['_component_id', '_component', '_action', '_provider', '_state', '_policy', '_position'];

export function SidePanel() {
  const selection = useEditor(useShallow((state) => selectedIds(state.nodes)));
  const actions = useEditor((state) => state.actions);
  if (selection.length === 1) {
    const id = selection[0] as string;
    return <ComponentForm key={id} id={id} />;
  }
  return (
    <section className="ge-panel-section" aria-label="Component">
      <h2 className="ge-heading">Component</h2>
      {selection.length === 0 ? (
        <p className="ge-hint">
          Select a component to edit it. Drag a type from the palette onto the canvas; drag from a component's
          right handle to another's left handle to make the second wait for the first.
        </p>
      ) : (
        <>
          <p>{selection.length} components selected.</p>
          <button type="button" onClick={actions.deleteSelected}>
            Delete selected
          </button>
        </>
      )}
    </section>
  );
}

function propsText(props: Record<string, unknown>): string {
  const { name: _name, ...rest } = props;
  return JSON.stringify(rest, null, 2);
}

function nameOf(props: Record<string, unknown>): string {
  return typeof props.name === 'string'
    ? props.name
    : props.name === undefined
      ? ''
      : JSON.stringify(props.name);
}

/** Commit an input on Enter by leaving it. */
function blurOnEnter(event: KeyboardEvent<HTMLInputElement>) {
  if (event.key === 'Enter') event.currentTarget.blur();
}

type PropsCheck = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

function checkProps(text: string): PropsCheck {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'Properties must be a JSON object, like {"size": "small"}.' };
  }
  const reserved = Object.keys(value).filter((key) => RESERVED.includes(key));
  if (reserved.length > 0) {
    return { ok: false, error: `Set ${reserved.join(', ')} with the fields above, not in the properties.` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function ComponentForm({ id }: { id: string }) {
  const node = useEditor((state) => nodesById(state.nodes).get(id)) as ComponentNode | undefined;
  const edges = useEditor((state) => state.edges);
  const allIds = useEditor(useShallow((state) => state.nodes.map((n) => n.id)));
  const current = useEditor((state) => state.meta.current);
  const actions = useEditor((state) => state.actions);
  const formId = useId();
  const textarea = useRef<HTMLTextAreaElement>(null);

  const data = node?.data;
  const [draftId, setDraftId] = useState(id);
  const [idError, setIdError] = useState<string | null>(null);
  const [type, setType] = useState(data?.type ?? '');
  const [name, setName] = useState(nameOf(data?.props ?? {}));
  const [provider, setProvider] = useState(data?.provider ?? '');
  const [text, setText] = useState(propsText(data?.props ?? {}));
  const [propsError, setPropsError] = useState<string | null>(null);

  // an undo, a redo or a paste changes the data under the form: show it
  useEffect(() => {
    if (data === undefined) return;
    setType(data.type);
    setName(nameOf(data.props));
    setProvider(data.provider);
    setText(propsText(data.props));
    setPropsError(null);
  }, [data]);

  const known = useMemo(() => new Set([...allIds, ...current.map((c) => c.id)]), [allIds, current]);
  const ancestors = useMemo(() => new Set(ancestorsOf(edges, id)), [edges, id]);
  const refs = useMemo(() => {
    const check = checkProps(text);
    return check.ok ? listTemplateRefs(check.value, known) : [];
  }, [text, known]);

  if (node === undefined || data === undefined) return null;

  const commitProps = (nextName: string, nextText: string) => {
    const check = checkProps(nextText);
    if (!check.ok) {
      setPropsError(check.error);
      return;
    }
    setPropsError(null);
    const props: Record<string, unknown> = {};
    if (nextName !== '') props.name = nextName;
    Object.assign(props, check.value);
    actions.updateComponent(id, { props });
  };

  const insertHint = (hint: string) => {
    const area = textarea.current;
    if (area === null) return;
    const start = area.selectionStart;
    const next = text.slice(0, start) + hint + text.slice(area.selectionEnd);
    setText(next);
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(start + hint.length, start + hint.length);
    });
  };

  const actionOptions = (ACTIONS as readonly string[]).includes(data.action)
    ? ACTIONS
    : [...ACTIONS, data.action];

  return (
    <section className="ge-panel-section" aria-label="Component">
      <h2 className="ge-heading">Component</h2>
      <div className="ge-form">
        <label htmlFor={`${formId}-id`}>Component id</label>
        <input
          id={`${formId}-id`}
          value={draftId}
          aria-invalid={idError !== null}
          onChange={(event) => setDraftId(event.target.value)}
          onKeyDown={blurOnEnter}
          onBlur={() => {
            const result = actions.renameComponent(id, draftId);
            setIdError(result.ok ? null : result.message);
          }}
        />
        {idError !== null && (
          <p className="ge-field-error" role="alert">
            {idError}
          </p>
        )}

        <label htmlFor={`${formId}-type`}>Type</label>
        <input
          id={`${formId}-type`}
          value={type}
          onChange={(event) => setType(event.target.value)}
          onKeyDown={blurOnEnter}
          onBlur={() => actions.updateComponent(id, { type: type.trim() })}
        />

        <label htmlFor={`${formId}-name`}>Name</label>
        <input
          id={`${formId}-name`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          onKeyDown={blurOnEnter}
          onBlur={() => commitProps(name, text)}
        />

        <label htmlFor={`${formId}-action`}>Action</label>
        <select
          id={`${formId}-action`}
          value={data.action}
          onChange={(event) => actions.updateComponent(id, { action: event.target.value })}
        >
          {actionOptions.map((action) => (
            <option key={action} value={action}>
              {action}
            </option>
          ))}
        </select>

        <label htmlFor={`${formId}-provider`}>Provider</label>
        <input
          id={`${formId}-provider`}
          value={provider}
          onChange={(event) => setProvider(event.target.value)}
          onKeyDown={blurOnEnter}
          onBlur={() => actions.updateComponent(id, { provider: provider.trim() })}
        />

        <label htmlFor={`${formId}-props`}>Properties (JSON)</label>
        <textarea
          id={`${formId}-props`}
          ref={textarea}
          className="ge-props"
          spellCheck={false}
          value={text}
          aria-invalid={propsError !== null}
          aria-describedby={propsError !== null ? `${formId}-props-error` : undefined}
          onChange={(event) => setText(event.target.value)}
          onBlur={() => commitProps(name, text)}
        />
        {propsError !== null && (
          <p className="ge-field-error" id={`${formId}-props-error`} role="alert">
            {propsError}
          </p>
        )}
      </div>
      <TemplateList refs={refs} ancestors={ancestors} currentIds={current.map((c) => c.id)} />
      <TemplateHints id={id} ancestors={[...ancestors]} onPick={insertHint} />
      <p>
        <button type="button" onClick={actions.deleteSelected}>
          Delete component
        </button>
      </p>
    </section>
  );
}

/** The templates in the properties as typed, each with what it reads or why it cannot. */
function TemplateList({
  refs,
  ancestors,
  currentIds,
}: {
  refs: TemplateRef[];
  ancestors: ReadonlySet<string>;
  currentIds: string[];
}) {
  if (refs.length === 0) return null;
  const verdict = (ref: TemplateRef): string | null => {
    if (ref.syntax === 'paren') {
      const unknown = ref.selectedIds.filter(
        (selected) => !ancestors.has(selected) && !currentIds.includes(selected),
      );
      return unknown.length === 0
        ? null
        : `selects ${unknown.join(', ')}, not a known ancestor or current component`;
    }
    if (ref.componentId === undefined) return 'names no known component';
    if (!ancestors.has(ref.componentId) && !currentIds.includes(ref.componentId)) {
      return `reads ${ref.componentId}, which this component does not depend on: connect it first`;
    }
    return null;
  };
  return (
    <div className="ge-templates">
      <h3 className="ge-subheading">Templates</h3>
      <ul aria-label="Templates">
        {withKeys(refs, (ref) => `${ref.path}:${ref.raw}`).map(([key, ref]) => {
          const problem = verdict(ref);
          return (
            <li key={key} data-invalid={problem === null ? 'false' : 'true'}>
              <code>{ref.raw}</code>{' '}
              {problem === null ? (
                <span className="ge-ok">ok</span>
              ) : (
                <span className="ge-bad">{problem}</span>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

const OUTPUTS_OF: Record<string, string[]> = { instance: ['private_ip', 'public_ip'] };

/** `${<ancestor>.<field>}` suggestions: the fields each ancestor has, and what the sim provider adds. */
function TemplateHints({
  id,
  ancestors,
  onPick,
}: {
  id: string;
  ancestors: string[];
  onPick: (hint: string) => void;
}) {
  const index = useEditor((state) => nodesById(state.nodes));
  const hints = useMemo(() => {
    const out: string[] = [];
    for (const ancestor of ancestors.slice(0, 12)) {
      const node = index.get(ancestor);
      if (node === undefined) continue;
      const fields = new Set<string>([`${node.data.type}_id`, 'id', ...(OUTPUTS_OF[node.data.type] ?? [])]);
      for (const key of Object.keys(node.data.props)) fields.add(key);
      for (const field of [...fields].slice(0, 6)) out.push(`\${${ancestor}.${field}}`);
    }
    return out;
  }, [ancestors, index]);
  return (
    <div className="ge-templates">
      <h3 className="ge-subheading">Template hints</h3>
      {hints.length === 0 ? (
        <p className="ge-hint">
          {id} has no ancestors yet: connect a component into it to read that component's fields.
        </p>
      ) : (
        <ul className="ge-hints" aria-label="Template hints">
          {hints.map((hint) => (
            <li key={hint}>
              <button
                type="button"
                className="ge-chip"
                onClick={() => onPick(hint)}
                title="Insert at the cursor"
              >
                {hint}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
