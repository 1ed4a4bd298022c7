import { procedure } from '../trpc';
import { eventsInputSchema, eventsOutputSchema } from './events.schema';
import { eventView } from './views';

/** The build's events after `since`, oldest first (the live view's catch-up). */
export const events = procedure
  .input(eventsInputSchema)
  .output(eventsOutputSchema)
  .query(async ({ ctx, input }) => {
    const found = await ctx.services.builds.events(input.id, input.since, input.limit);
    return { events: found.map(eventView) };
  });
