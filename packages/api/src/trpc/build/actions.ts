import { procedure } from '../trpc';
import { actionsInputSchema, actionsOutputSchema } from './actions.schema';

/** Operator actions on the build, oldest first: who did what and when, and whether it was refused. */
export const actions = procedure
  .input(actionsInputSchema)
  .output(actionsOutputSchema)
  .query(async ({ ctx, input }) => {
    const records = await ctx.services.builds.actions(input.id);
    return {
      actions: records.map((a) => ({
        at: a.at.getTime(),
        actor: a.actor,
        action: a.action,
        componentId: a.componentId,
        accepted: a.accepted,
        reason: a.reason,
      })),
    };
  });
