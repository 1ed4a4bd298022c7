// Commands from the API to the runner (design.md "Operator actions"), on
// `ordo.control.<encoded build id>` as NATS request/reply. The API has already stored the
// build (for `created`); the runner persists the outcome before it replies.
import { z } from 'zod';

/** Operator actions the runner accepts; `componentId` absent = the whole build. */
export const OPERATOR_ACTIONS = ['retry', 'cancel', 'skip', 'approve'] as const;
export const operatorActionSchema = z.enum(OPERATOR_ACTIONS);
export type OperatorAction = z.infer<typeof operatorActionSchema>;

export const controlCommandSchema = z.discriminatedUnion('kind', [
  /** a new build was stored (status `pending`): load and start it */
  z.object({ kind: z.literal('created') }),
  /** an operator action; `actor` is who asked (recorded with the outcome) */
  z.object({
    kind: z.literal('action'),
    action: operatorActionSchema,
    componentId: z.string().min(1).optional(),
    actor: z.string().min(1).max(200),
  }),
]);
export type ControlCommand = z.infer<typeof controlCommandSchema>;

/** The runner's answer. `not_allowed` → HTTP 409, `not_found` → 404. */
export const controlReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({
    ok: z.literal(false),
    code: z.enum(['not_allowed', 'not_found', 'invalid']),
    reason: z.string(),
  }),
]);
export type ControlReply = z.infer<typeof controlReplySchema>;
