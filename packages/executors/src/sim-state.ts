// The simulated cloud's memory: resources by component id, the failures it has served per
// build + component (so `_sim.fail_times` counts attempts across restarts), and the resources
// that vanished (told so on `ordo.sim.control`: unlike one it never held, a vanished resource is
// answered "not found"). One JSON file,
// `<dataDir>/executors/sim-state.json`, rewritten atomically after every change, before the
// change is answered.
import { readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from './atomic-file';

/** A resource the simulator holds: the component's fields plus the ids it assigned. */
export type SimResource = Record<string, unknown> & { _component_id: string; _component: string };

interface FailureEntry {
  /** attempts of this build + component that were answered with the simulated failure */
  failed: number[];
  /** epoch ms of the last change (entries older than the retention are dropped on load) */
  at: number;
}

const fileSchema = z.object({
  version: z.literal(1),
  resources: z.record(z.string(), z.looseObject({ _component_id: z.string(), _component: z.string() })),
  failures: z.record(z.string(), z.object({ failed: z.array(z.number().int()), at: z.number() })),
  /** component id → epoch ms it vanished (absent in files written before vanishing existed) */
  vanished: z.record(z.string(), z.number()).default({}),
});

/** Failure counters are kept this long (a build is long finished by then). */
const FAILURE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export class SimState {
  private readonly resources = new Map<string, SimResource>();
  private readonly failures = new Map<string, FailureEntry>();
  private readonly vanished = new Map<string, number>();
  private version = 0;
  private written = 0;
  private writing: Promise<void> | undefined;

  private constructor(readonly file: string) {}

  /**
   * Loads the state file; a missing one starts empty. An unreadable one is moved aside
   * (`….corrupt-<time>`) and the simulator starts empty: a rehearsal must not trip over it.
   */
  static async open(file: string, onCorrupt?: (movedTo: string, why: string) => void): Promise<SimState> {
    await ensureDir(dirname(file));
    const state = new SimState(file);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text === undefined) return state;
    let why: string | undefined;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        const cutoff = Date.now() - FAILURE_RETENTION_MS;
        for (const [id, r] of Object.entries(parsed.data.resources))
          state.resources.set(id, r as SimResource);
        for (const [id, f] of Object.entries(parsed.data.failures))
          if (f.at >= cutoff) state.failures.set(id, f);
        for (const [id, at] of Object.entries(parsed.data.vanished)) state.vanished.set(id, at);
        return state;
      }
      why = parsed.error.issues[0]?.message ?? 'invalid';
    } catch (err) {
      why = (err as Error).message;
    }
    const aside = `${file}.corrupt-${Date.now()}`;
    await rename(file, aside);
    onCorrupt?.(aside, why);
    return state;
  }

  get(id: string): SimResource | undefined {
    return this.resources.get(id);
  }

  all(): SimResource[] {
    return [...this.resources.values()];
  }

  /** Stores a resource (it is no longer vanished); resolves once the state file holds it. */
  put(resource: SimResource): Promise<void> {
    this.resources.set(resource._component_id, resource);
    this.vanished.delete(resource._component_id);
    return this.persist();
  }

  /** Forgets a resource (known, vanished or not); resolves once the state file no longer holds it. */
  remove(id: string): Promise<void> {
    this.resources.delete(id);
    this.vanished.delete(id);
    return this.persist();
  }

  /** The resource disappears behind Ordo's back: forgotten, and remembered as vanished. */
  vanish(id: string): Promise<void> {
    this.resources.delete(id);
    this.vanished.set(id, Date.now());
    return this.persist();
  }

  isVanished(id: string): boolean {
    return this.vanished.has(id);
  }

  /**
   * Whether attempt `attempt` of `id` (`<build>/<component>`) fails when the component asks
   * to fail `times` times: an attempt already counted fails again (a redelivery), a new one
   * fails while fewer than `times` attempts failed.
   */
  async failAttempt(id: string, attempt: number, times: number): Promise<boolean> {
    const entry = this.failures.get(id) ?? { failed: [], at: Date.now() };
    if (entry.failed.includes(attempt)) return true;
    if (entry.failed.length >= times) return false;
    this.failures.set(id, { failed: [...entry.failed, attempt], at: Date.now() });
    await this.persist();
    return true;
  }

  /** Public (TEST-NET-3) addresses currently assigned. */
  publicAddresses(): Set<string> {
    const used = new Set<string>();
    for (const r of this.resources.values()) if (typeof r.public_ip === 'string') used.add(r.public_ip);
    return used;
  }

  /** Writes the state; several changes in quick succession share one write. */
  private async persist(): Promise<void> {
    this.version += 1;
    const wanted = this.version;
    while (this.written < wanted) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      this.writing = this.writeNow().finally(() => {
        this.writing = undefined;
      });
      await this.writing;
    }
  }

  private async writeNow(): Promise<void> {
    const version = this.version;
    const body = {
      version: 1,
      resources: Object.fromEntries(this.resources),
      failures: Object.fromEntries(this.failures),
      vanished: Object.fromEntries(this.vanished),
    };
    await writeFileAtomic(this.file, `${JSON.stringify(body, null, 2)}\n`);
    this.written = version;
  }

  /** Waits for a write in progress. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
