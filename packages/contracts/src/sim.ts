// Test and demo hooks of the `sim` provider (design.md "The `sim` provider"): request/reply on
// `ordo.sim.control`, served by every process running the sim executor. Each acts on its own
// state; the reply is a `controlReplySchema` answer (`not_found` when it holds no such resource).
import { z } from 'zod';

/** Subject of sim commands (request/reply; every sim process answers, the first reply counts). */
export const SIM_CONTROL_SUBJECT = 'ordo.sim.control';

/** Which held resource: its component id (the sim's key) or the id the sim gave it. */
const target = {
  componentId: z.string().min(1).optional(),
  /** `id` or `<type>_id` of the held resource */
  providerId: z.string().min(1).optional(),
};

const oneTarget = (t: { componentId?: string | undefined; providerId?: string | undefined }) =>
  (t.componentId === undefined) !== (t.providerId === undefined);
const oneTargetMessage = { message: 'give exactly one of componentId and providerId' };

export const simControlCommandSchema = z.discriminatedUnion('kind', [
  /** the resource disappears: a `get` (or action) of it then answers `.error` with `not_found: true` */
  z.object({ kind: z.literal('vanish'), ...target }).refine(oneTarget, oneTargetMessage),
  /** the resource breaks: its state becomes `error` and `state_reason` the message */
  z
    .object({ kind: z.literal('fail'), ...target, message: z.string().min(1).max(1000) })
    .refine(oneTarget, oneTargetMessage),
  /** the provider changes the resource's state on its own (e.g. `stopped`: someone stopped it) */
  z
    .object({
      kind: z.literal('state'),
      ...target,
      state: z.string().regex(/^[a-z][a-z_-]*$/, 'a provider state word such as stopped'),
    })
    .refine(oneTarget, oneTargetMessage),
]);
export type SimControlCommand = z.infer<typeof simControlCommandSchema>;
