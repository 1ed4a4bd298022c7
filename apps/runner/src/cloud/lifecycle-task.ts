// A lifecycle `run_task` as an executor request, the way core maps a gorch node: a `task`
// component created on the provider named by the task's engine, with `artifact` and `args`.
// `${instance.<field>}` in them is resolved by data lookup only (core templates) against the
// resource: its record plus provider_id, public_ip, private_ip, key_name and state.
import { type DispatchMessage, LIFECYCLE_BUILD_ID } from '@ordo/contracts';
import { type LifecycleCommand, resolveTemplates, type TemplateContext } from '@ordo/core';
import type { ResourceRecord } from '@ordo/store';
import { requestComponent } from './requests';

type RunTask = Extract<LifecycleCommand, { kind: 'run_task' }>;

/** The name templates use for the resource a lifecycle runs for: `${instance.private_ip}`. */
export const INSTANCE_REF = 'instance';

/** What `${instance.<field>}` reads. */
export function instanceFacts(resource: ResourceRecord): Record<string, unknown> {
  return {
    ...resource.record,
    provider_id: resource.providerId,
    public_ip: resource.publicIp,
    private_ip: resource.privateIp,
    key_name: resource.keyName,
    state: resource.state,
  };
}

const KNOWN = new Set([INSTANCE_REF]);

/** The request body of a task run, or why it cannot be made (an unresolvable template). */
export function taskRequest(
  runId: string,
  command: RunTask,
  resource: ResourceRecord,
): { ok: true; message: DispatchMessage } | { ok: false; error: string } {
  const facts = instanceFacts(resource);
  const context: TemplateContext = {
    root: () => undefined,
    environmentComponent: () => undefined,
    component: (id) => (id === INSTANCE_REF ? facts : undefined),
    knownIds: KNOWN,
  };
  const { artifact, args } = command.definition;
  const resolved = resolveTemplates({ artifact, args }, context);
  if (!resolved.ok) return { ok: false, error: resolved.error };
  const value = resolved.value as { artifact?: unknown; args?: unknown };
  return {
    ok: true,
    message: {
      _component_id: requestComponent(runId, command.runId),
      _component: 'task',
      _action: 'create',
      _provider: command.definition.engine,
      service: LIFECYCLE_BUILD_ID,
      ...(value.artifact !== undefined ? { artifact: value.artifact } : {}),
      ...(value.args !== undefined ? { args: value.args } : {}),
    },
  };
}
