// Reads back what a build published on `ordo.events.<build>` (the ORDO_EVENTS stream).
import { type Bus, eventsSubject, STREAM } from '@ordo/bus';

export async function readPublishedSeqs(w: { bus: Bus }, buildId: string): Promise<number[]> {
  const consumer = await w.bus
    .jetstream()
    .consumers.get(STREAM.events, { filterSubjects: eventsSubject(buildId) });
  const seqs: number[] = [];
  for (;;) {
    const msg = await consumer.next({ expires: 1_000 });
    if (!msg) break;
    for (const event of (msg.json() as { events: Array<{ seq: number }> }).events) seqs.push(event.seq);
  }
  return seqs;
}
