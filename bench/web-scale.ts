// The browser dashboard at scale, measured in headless Chromium against the real app (started
// as e2e does: scripts/launch.mjs, random ports, a throw-away data directory; our own
// nats-server from infra/nats.conf so that this script can publish on the events subject):
//  1. open a saved 10,000-component graph in the editor: navigation start until its nodes are
//     (pre-)measured, the view fitted and drawn (`window.__ordoEditorReady`, graph-editor.tsx;
//     fitted on the whole graph, a 10k graph is drawn by the canvas overview, overview.tsx) — < 1.5 s;
//  2. a fresh auto-layout of it ("Layout", in a Web Worker): time until the positions are applied
//     (< 5 s) and, meanwhile, the main thread's responsiveness (longest frame gap, long tasks);
//  3. a 10,000-component build on its monitor while 5,000 component state changes per second
//     are published for 5 s: frames per second (≥ 55) and the lag from publish to the node's
//     `data-state` change, for sampled nodes in view (p95 ≤ 20 ms).
// Run: pnpm bench:web (build the web first: pnpm exec turbo run build --filter=@ordo/web).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectBus, eventsSubject } from '@ordo/bus';
import { freePort, startNatsServer } from '@ordo/bus/testing';
import { type Browser, chromium, type Page } from '@playwright/test';
import { type ScaleGraph, scaleGraph, scaleGraphFile } from '../e2e/fixtures/scale-graph';

const root = resolve(import.meta.dirname, '..');
const RUNS = 3; // editor loads (median)
const RATE = 5_000; // component state changes per second
const BATCH_EVERY_MS = 10; // one batch per 10 ms: 50 events a batch
const STREAM_MS = 5_000;
const SAMPLED = 50; // nodes in view whose lag is measured (one change per batch, in turn)
const VIEWPORT = { width: 1600, height: 900 };

// tsx (esbuild, keepNames) wraps the functions passed to page.evaluate in `__name(…)`: define it in the page
const NAME_SHIM = 'window.__name = (f) => f;';

const TARGET = { readyMs: 1_500, fps: 55, lagP95Ms: 20, layoutMs: 5_000 };

if (!existsSync(resolve(root, 'apps/web/.next/BUILD_ID'))) {
  throw new Error('apps/web is not built: pnpm exec turbo run build --filter=@ordo/web');
}

const graph: ScaleGraph = existsSync(scaleGraphFile)
  ? (JSON.parse(readFileSync(scaleGraphFile, 'utf8')) as ScaleGraph)
  : scaleGraph();

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
const ms = (v: number) => `${Math.round(v).toLocaleString('en')} ms`;
const yes = (ok: boolean) => (ok ? 'met' : 'NOT met');

// --- the app ---------------------------------------------------------------------------------
const nats = await startNatsServer({ configFile: resolve(root, 'infra/nats.conf') });
const dataDir = await mkdtemp(join(tmpdir(), 'ordo-bench-web-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app: ChildProcess = spawn(process.execPath, [resolve(root, 'scripts/launch.mjs')], {
  cwd: root,
  env: {
    ...process.env,
    PORT: String(port),
    ORDO_DATA_DIR: dataDir,
    NATS_URL: nats.url,
    NATS_USER: 'ordo',
    NATS_PASSWORD: nats.password,
    NATS_WS_PORT: String(nats.wsPort),
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let appLog = '';
app.stdout?.on('data', (c: Buffer) => {
  appLog += c.toString();
  if (appLog.length > 200_000) appLog = appLog.slice(-100_000);
});
app.stderr?.on('data', (c: Buffer) => {
  appLog += c.toString();
});
await new Promise<void>((ok, fail) => {
  const timer = setTimeout(() => fail(new Error(`the app did not start in 120 s\n${appLog}`)), 120_000);
  const check = setInterval(() => {
    if (appLog.includes('Ordo is running')) {
      clearInterval(check);
      clearTimeout(timer);
      ok();
    }
  }, 100);
  app.once('exit', (code) => {
    clearInterval(check);
    clearTimeout(timer);
    fail(new Error(`the app exited (${code})\n${appLog}`));
  });
});

let browser: Browser | undefined;
async function shutdown(): Promise<void> {
  await browser?.close().catch(() => undefined);
  if (app.exitCode === null) {
    const gone = new Promise((r) => app.once('exit', r));
    app.kill('SIGTERM');
    await gone;
  }
  await nats.stop();
  await rm(dataDir, { recursive: true, force: true });
}

async function trpc<T>(path: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
  const url =
    method === 'GET'
      ? `${base}/api/trpc/${path}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input }))}`
      : `${base}/api/trpc/${path}?batch=1`;
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: JSON.stringify({ 0: input }) } : {}),
  });
  const body = (await response.json()) as [{ result?: { data: T }; error?: unknown }];
  if (!response.ok || body[0].result === undefined) {
    throw new Error(`${path}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body[0].result.data;
}

/**
 * BENCH_WEB_PROFILE=1: a CPU profile of `page` from now until the returned function is called,
 * printed as the functions with the most self time (where the time goes).
 */
async function profile(page: Page, what: string): Promise<() => Promise<void>> {
  if (!process.env.BENCH_WEB_PROFILE) return async () => undefined;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  return async () => {
    const { profile: p } = await cdp.send('Profiler.stop');
    if (process.env.BENCH_WEB_PROFILE_FILE)
      writeFileSync(
        `${process.env.BENCH_WEB_PROFILE_FILE}-${what.replace(/\W+/g, '-')}.cpuprofile`,
        JSON.stringify(p),
      );
    const self = new Map<number, number>();
    p.samples?.forEach((node, i) => {
      self.set(node, (self.get(node) ?? 0) + (p.timeDeltas?.[i] ?? 0) / 1000);
    });
    const total = new Map<string, number>();
    for (const n of p.nodes) {
      const f = n.callFrame;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
      total.set(key, (total.get(key) ?? 0) + (self.get(n.id) ?? 0));
    }
    console.log(`CPU profile of ${what}, self time:`);
    for (const [key, t] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
      console.log(`  ${ms(t).padStart(9)}  ${key}`);
    }
    await cdp.detach();
  };
}

const results: string[] = [];
// BENCH_WEB_ONLY=editor,layout,monitor (diagnosis): run only these parts (layout needs editor)
const only = process.env.BENCH_WEB_ONLY?.split(',').map((s) => s.trim());
const want = (part: string) => only === undefined || only.includes(part);
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });

  // --- 1. open the saved graph ---------------------------------------------------------------
  if (want('editor')) {
    const saved = await trpc<{ name: string; version: number }>(
      'graph.save',
      { graph, name: graph.name },
      'POST',
    );
    console.log(
      `saved ${saved.name} v${saved.version}: ${graph.changes.length} components, ${graph.edges.length} edges`,
    );

    const readies: number[] = [];
    let page: Page | undefined;
    for (let run = 0; run < RUNS; run++) {
      await page?.close();
      page = await browser.newPage({ viewport: VIEWPORT });
      await page.addInitScript(NAME_SHIM);
      if (process.env.BENCH_WEB_INIT) await page.addInitScript(process.env.BENCH_WEB_INIT);
      if (process.env.BENCH_WEB_CONSOLE) page.on('console', (m) => console.log(`console: ${m.text()}`));
      const stopLoadProfile = run === 0 ? await profile(page, 'the first editor load') : undefined;
      await page.goto(`${base}/?graph=${encodeURIComponent(saved.name)}&version=${saved.version}`);
      await page.waitForFunction(
        () => (window as { __ordoEditorReady?: number }).__ordoEditorReady !== undefined,
        null,
        {
          timeout: 60_000,
          polling: 50,
        },
      );
      const ready = await page.evaluate(() => ({
        at: (window as unknown as { __ordoEditorReady: number }).__ordoEditorReady,
        mounted: document.querySelectorAll('[data-testid="editor-canvas"] .react-flow__node').length,
        overview:
          (document.querySelector('[data-testid="editor-overview"]') as HTMLElement | null)?.style.display ===
          'block',
        // when the saved graph's document had arrived (tRPC graph.get), on the same clock
        fetched: Math.max(
          0,
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('graph.get'))
            .map((e) => (e as PerformanceResourceTiming).responseEnd),
        ),
        requested: Math.max(
          0,
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('graph.get'))
            .map((e) => e.startTime),
        ),
        loaded: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)
          ?.domContentLoadedEventEnd,
        heapMb: Math.round(
          ((performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0) /
            1e6,
        ),
      }));
      await stopLoadProfile?.();
      // BENCH_WEB_EVAL_EDITOR='<js expression>' (diagnosis): evaluated in the editor page when ready
      if (process.env.BENCH_WEB_EVAL_EDITOR)
        console.log('eval:', JSON.stringify(await page.evaluate(process.env.BENCH_WEB_EVAL_EDITOR)));
      readies.push(ready.at);
      console.log(
        `editor ready #${run + 1}: ${ms(ready.at)} (DOMContentLoaded ${ms(ready.loaded ?? Number.NaN)}, graph.get asked ${ms(ready.requested)}, answered ${ms(ready.fetched)}; ${ready.mounted} nodes mounted${ready.overview ? ', canvas overview drawn' : ''}, heap ${ready.heapMb} MB)`,
      );
    }
    const readyMedian = quantile(readies, 0.5);
    results.push(
      `1. open saved 10k graph → nodes measured + view fitted: median ${ms(readyMedian)} of ${RUNS} (${readies.map(ms).join(', ')}); target < ${ms(TARGET.readyMs)}: ${yes(readyMedian < TARGET.readyMs)}`,
    );

    // --- 2. fresh auto-layout, main-thread responsiveness meanwhile --------------------------------
    if (want('layout')) {
      if (page === undefined) throw new Error('no page');
      const layoutPage = page;
      await layoutPage.evaluate(() => {
        const w = window as unknown as { __bench: { gaps: number[]; longTasks: number[]; stop: boolean } };
        w.__bench = { gaps: [], longTasks: [], stop: false };
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.__bench.longTasks.push(entry.duration);
        }).observe({ type: 'longtask' });
        let last = performance.now();
        const frame = (now: number) => {
          w.__bench.gaps.push(now - last);
          last = now;
          if (!w.__bench.stop) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      });
      const layoutButton = layoutPage.getByRole('button', { name: 'Layout', exact: true });
      const t0 = await layoutPage.evaluate(() => performance.now());
      await layoutButton.click();
      await layoutPage
        .getByRole('button', { name: 'Laying out…' })
        .waitFor({ timeout: 5_000 })
        .catch(() => undefined);
      await layoutButton.waitFor({ timeout: 180_000 });
      const layout = await layoutPage.evaluate(async (start) => {
        const w = window as unknown as {
          __bench: { gaps: number[]; longTasks: number[]; stop: boolean };
          __ordoEditorReady: number;
        };
        const done = performance.now();
        // wait for the fit that follows the layout (fitSoon)
        for (let i = 0; i < 100 && w.__ordoEditorReady < start; i++)
          await new Promise((r) => setTimeout(r, 20));
        w.__bench.stop = true;
        const notice = document.querySelector('[data-testid="editor-notice"]')?.textContent ?? '';
        return {
          applied: done - start,
          fitted: w.__ordoEditorReady - start,
          gaps: w.__bench.gaps,
          longTasks: w.__bench.longTasks,
          notice,
        };
      }, t0);
      const maxGap = Math.max(...layout.gaps);
      const longTotal = layout.longTasks.reduce((a, b) => a + b, 0);
      const frames = layout.gaps.length;
      const layoutFps = (frames * 1000) / layout.applied;
      console.log(
        `layout: positions applied after ${ms(layout.applied)} (button back; includes polling ≤ 100 ms), view fitted after ${layout.fitted > 0 ? ms(layout.fitted) : '— (not fitted)'}${layout.notice ? ` — notice: ${layout.notice}` : ''}`,
      );
      console.log(
        `  main thread during it: ${frames} frames (${layoutFps.toFixed(0)} fps), longest frame gap ${ms(maxGap)}, p95 gap ${ms(quantile(layout.gaps, 0.95))}, long tasks ${layout.longTasks.length} (total ${ms(longTotal)}, longest ${ms(Math.max(0, ...layout.longTasks))})`,
      );
      const failed = /failed/i.test(layout.notice);
      results.push(
        `2. fresh auto-layout (Web Worker): ${failed ? `FAILED after ${ms(layout.applied)} (${layout.notice.replace(/×$/, '')})` : `${ms(layout.applied)} to applied positions, ${ms(layout.fitted)} to fitted`}; target < ${ms(TARGET.layoutMs)}: ${yes(!failed && layout.applied < TARGET.layoutMs)}; main thread meanwhile: ${layoutFps.toFixed(0)} fps, longest gap ${ms(maxGap)}, long tasks ${layout.longTasks.length} / ${ms(longTotal)}`,
      );
      await layoutPage.close();
    }
  }

  // --- 3. the monitor under 5,000 state changes per second ---------------------------------------
  if (want('monitor')) {
    // Gated sources: the runner stops at the first layer (awaiting approval) and stays quiet,
    // so this script is the only publisher of the build's events while it measures.
    const sources = new Set(graph.changes.filter((c) => c._position.x === 0).map((c) => c._component_id));
    const gated = {
      ...graph,
      name: 'scale-monitor',
      changes: graph.changes.map((c) =>
        sources.has(c._component_id) ? { ...c, _policy: { gate: true } } : c,
      ),
    };
    const created = await fetch(`${base}/api/v1/builds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ graph: gated, environment: 'scale-bench' }),
    });
    if (!created.ok) throw new Error(`POST /api/v1/builds: ${created.status} ${await created.text()}`);
    const { id: buildId } = (await created.json()) as { id: string };
    // let the runner settle (its seq stops moving)
    let seq = -1;
    for (let stable = 0, i = 0; stable < 4 && i < 120; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const view = await trpc<{ seq: number; status: string }>('build.get', { id: buildId }, 'GET');
      stable = view.seq === seq ? stable + 1 : 0;
      seq = view.seq;
    }
    console.log(`build ${buildId}: settled at seq ${seq}`);

    const monitor = await browser.newPage({ viewport: VIEWPORT });
    await monitor.addInitScript(NAME_SHIM);
    // BENCH_WEB_INIT='<js>' (diagnosis): a script run in the pages before the app's
    if (process.env.BENCH_WEB_INIT) await monitor.addInitScript(process.env.BENCH_WEB_INIT);
    let reloads = 0;
    monitor.on('request', (request) => {
      if (request.url().includes('build.get')) reloads++;
    });
    const monitorStart = Date.now();
    await monitor.goto(`${base}/builds/${encodeURIComponent(buildId)}`);
    await monitor
      .getByTestId('live-status')
      .filter({ hasText: /live|connected/i })
      .waitFor({ timeout: 60_000 })
      .catch(() => undefined);
    await monitor.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });
    await monitor.waitForTimeout(1_000);
    // BENCH_WEB_HIDE_LOWER=1 (diagnosis): the timeline and activity list under the canvas hidden,
    // so that the canvas' own cost shows (React still renders them; the browser lays out nothing)
    if (process.env.BENCH_WEB_HIDE_LOWER)
      await monitor.addStyleTag({ content: '.bm-lower { display: none; }' });
    // BENCH_WEB_STYLE='<css>' (diagnosis): extra style for the monitor page
    if (process.env.BENCH_WEB_STYLE) await monitor.addStyleTag({ content: process.env.BENCH_WEB_STYLE });
    const liveText = (await monitor.getByTestId('live-status').textContent()) ?? '';
    console.log(`monitor open in ${ms(Date.now() - monitorStart)} (+1 s settle), live: ${liveText.trim()}`);
    const inView = await monitor.evaluate((want) => {
      const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
      if (!pane) return [];
      const ids: string[] = [];
      for (const el of Array.from(
        document.querySelectorAll<HTMLElement>('.react-flow__node [data-testid^="node-"]'),
      )) {
        const r = el.getBoundingClientRect();
        if (r.left >= pane.left && r.right <= pane.right && r.top >= pane.top && r.bottom <= pane.bottom) {
          ids.push((el.dataset.testid ?? '').slice('node-'.length));
        }
      }
      return ids.slice(0, want);
    }, SAMPLED);
    const mounted = await monitor.locator('.react-flow__node').count();
    console.log(`monitor: ${mounted} nodes mounted, ${inView.length} in view sampled`);
    if (inView.length === 0) throw new Error('no node in view on the monitor');

    // page side: frames, and when each `data-state` changes (on the page's wall clock)
    await monitor.evaluate(() => {
      const w = window as unknown as {
        __mon: { frames: number[]; changes: [string, string, number, number][]; stop: boolean };
      };
      w.__mon = { frames: [], changes: [], stop: false };
      const pending: [string, string, number, number][] = [];
      new MutationObserver((records) => {
        const at = performance.timeOrigin + performance.now();
        for (const r of records) {
          const el = r.target as HTMLElement;
          const id = (el.dataset.testid ?? '').slice('node-'.length);
          const entry: [string, string, number, number] = [id, el.dataset.state ?? '', at, Number.NaN];
          w.__mon.changes.push(entry);
          pending.push(entry);
        }
        // the frame that shows it: the next animation frame after the DOM change
        requestAnimationFrame(() => {
          const painted = performance.timeOrigin + performance.now();
          for (const e of pending.splice(0)) e[3] = painted;
        });
      }).observe(document.querySelector('.react-flow') as Node, {
        subtree: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
      const frame = (now: number) => {
        w.__mon.frames.push(now);
        if (!w.__mon.stop) requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    });

    const bus = await connectBus({ url: nats.url, name: 'bench-web', user: 'ordo', pass: nats.password });
    const subject = eventsSubject(buildId);
    const encoder = new TextEncoder();
    const states = ['running', 'completed', 'errored', 'waiting'];
    const stateOf = new Map<string, number>();
    const nextState = (id: string) => {
      const i = ((stateOf.get(id) ?? -1) + 1) % states.length;
      stateOf.set(id, i);
      return states[i] as string;
    };
    const sampled = new Set(inView);
    const others = graph.changes.map((c) => c._component_id).filter((id) => !sampled.has(id));
    const perBatch = (RATE * BATCH_EVERY_MS) / 1000;
    const batches = STREAM_MS / BATCH_EVERY_MS;
    const published: [string, string, number][] = []; // sampled: id, state, publish time
    let nextSeq = seq + 1;
    let sent = 0;
    const stopProfile = await profile(monitor, 'the monitor during the stream');
    // BENCH_WEB_LAYERS=1 (diagnosis): the composited layers after the stream, most painted first
    type Layer = {
      layerId: string;
      width: number;
      height: number;
      paintCount: number;
      backendNodeId?: number;
    };
    let layers: Layer[] = [];
    const layerCdp = process.env.BENCH_WEB_LAYERS
      ? await monitor.context().newCDPSession(monitor)
      : undefined;
    if (layerCdp) {
      layerCdp.on('LayerTree.layerTreeDidChange', (e: { layers?: Layer[] }) => {
        if (e.layers) layers = e.layers;
      });
      await layerCdp.send('DOM.enable');
      await layerCdp.send('LayerTree.enable');
    }
    // BENCH_WEB_TRACE=1 (diagnosis): the browser's own work during the stream, by trace event
    if (process.env.BENCH_WEB_TRACE)
      await browser.startTracing(monitor, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'cc', 'blink'],
      });
    const streamStart = Date.now();
    const pageStart = await monitor.evaluate(() => performance.now());
    for (let b = 0; b < batches; b++) {
      const due = streamStart + b * BATCH_EVERY_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const at = Date.now();
      const events = [];
      const probe = inView[b % inView.length] as string;
      const probeState = nextState(probe);
      events.push({
        seq: nextSeq++,
        at,
        type: 'component_state',
        componentId: probe,
        state: probeState,
        attempt: 1,
      });
      for (let i = 1; i < perBatch; i++) {
        const id = others[Math.floor(Math.random() * others.length)] as string;
        events.push({
          seq: nextSeq++,
          at,
          type: 'component_state',
          componentId: id,
          state: nextState(id),
          attempt: 1,
        });
      }
      bus.nc.publish(subject, encoder.encode(JSON.stringify({ events })));
      published.push([probe, probeState, Date.now()]);
      sent += events.length;
    }
    await bus.nc.flush();
    const streamMs = Date.now() - streamStart;
    await monitor.waitForTimeout(500);
    await stopProfile();
    if (layerCdp) {
      console.log(`${layers.length} layers; most painted:`);
      for (const l of [...layers].sort((a, b) => b.paintCount - a.paintCount).slice(0, 12)) {
        let what = '';
        if (l.backendNodeId) {
          const r = (await layerCdp
            .send('DOM.describeNode', { backendNodeId: l.backendNodeId })
            .catch(() => undefined)) as { node?: { localName: string; attributes?: string[] } } | undefined;
          what = `${r?.node?.localName ?? ''} ${(r?.node?.attributes ?? []).join(' ').slice(0, 120)}`;
        }
        const why = (await layerCdp
          .send('LayerTree.compositingReasons', { layerId: l.layerId })
          .catch(() => undefined)) as { compositingReasons?: string[] } | undefined;
        console.log(
          `  ${l.paintCount} paints  ${Math.round(l.width)}×${Math.round(l.height)}  ${what}  [${(why?.compositingReasons ?? []).join(',')}]`,
        );
      }
    }
    if (process.env.BENCH_WEB_TRACE) {
      const traceText = (await browser.stopTracing()).toString();
      // BENCH_WEB_TRACE_FILE=<file> (diagnosis): the whole trace, for chrome://tracing or a script
      if (process.env.BENCH_WEB_TRACE_FILE) await writeFile(process.env.BENCH_WEB_TRACE_FILE, traceText);
      const trace = JSON.parse(traceText) as {
        traceEvents: {
          name: string;
          ph: string;
          dur?: number;
          tdur?: number;
          tid: number;
          pid: number;
          args?: { name?: string };
        }[];
      };
      const threads = new Map<string, string>();
      for (const e of trace.traceEvents)
        if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
      const total = new Map<string, [number, number, number]>();
      for (const e of trace.traceEvents) {
        if (e.ph !== 'X' || e.dur === undefined) continue;
        const key = `${threads.get(`${e.pid}:${e.tid}`) ?? e.tid} ${e.name}`;
        const t = total.get(key) ?? [0, 0, 0];
        t[0] += e.dur / 1000;
        t[1] += (e.tdur ?? 0) / 1000;
        t[2]++;
        total.set(key, t);
      }
      console.log('trace during the stream (inclusive wall ms, thread CPU ms, count):');
      for (const [key, [t, cpu, n]] of [...total].sort((a, b) => b[1][0] - a[1][0]).slice(0, 24))
        console.log(`  ${ms(t).padStart(9)} ${ms(cpu).padStart(9)} ${String(n).padStart(6)}  ${key}`);
    }
    const page3 = await monitor.evaluate((since) => {
      const w = window as unknown as {
        __mon: { frames: number[]; changes: [string, string, number, number][]; stop: boolean };
      };
      w.__mon.stop = true;
      return { frames: w.__mon.frames.filter((t) => t >= since), changes: w.__mon.changes };
    }, pageStart);
    await bus.drain();
    // BENCH_WEB_SCREENSHOT=<file.png> (diagnosis): the monitor page after the stream
    if (process.env.BENCH_WEB_SCREENSHOT)
      await monitor.screenshot({ path: process.env.BENCH_WEB_SCREENSHOT });
    // BENCH_WEB_EVAL='<js expression>' (diagnosis): evaluated in the monitor page after the stream
    if (process.env.BENCH_WEB_EVAL)
      console.log('eval:', JSON.stringify(await monitor.evaluate(process.env.BENCH_WEB_EVAL)));

    const streamFrames = page3.frames.filter((t) => t <= pageStart + streamMs);
    const fps = (streamFrames.length * 1000) / streamMs;
    const frameGaps = streamFrames.slice(1).map((t, i) => t - (streamFrames[i] as number));
    // lag: each sampled publish → the first later change of that node to that state
    const byNode = new Map<string, [string, number, number][]>();
    for (const [id, state, at, painted] of page3.changes) {
      const list = byNode.get(id) ?? [];
      list.push([state, at, painted]);
      byNode.set(id, list);
    }
    const lags: number[] = [];
    const paintLags: number[] = [];
    let missed = 0;
    for (const [id, state, at] of published) {
      const hit = byNode.get(id)?.find(([s, t]) => s === state && t >= at - 5);
      if (!hit) {
        missed++;
        continue;
      }
      lags.push(hit[1] - at);
      if (!Number.isNaN(hit[2])) paintLags.push(hit[2] - at);
    }
    const p95 = quantile(lags, 0.95);
    // BENCH_WEB_LAGS=1 (diagnosis): when in the stream the slowest 5 % of the sampled changes were published
    if (process.env.BENCH_WEB_LAGS) {
      const timed = published.flatMap(([id, state, at]) => {
        const hit = byNode.get(id)?.find(([s, t]) => s === state && t >= at - 5);
        return hit ? [[at - streamStart, hit[1] - at] as const] : [];
      });
      const slow = timed.filter(([, lag]) => lag >= p95).sort((a, b) => a[0] - b[0]);
      console.log(
        `  slowest: ${slow.map(([t, lag]) => `${Math.round(t)} ms +${Math.round(lag)}`).join(', ')}`,
      );
    }
    console.log(
      `monitor stream: ${sent.toLocaleString('en')} changes in ${ms(streamMs)} (${Math.round((sent * 1000) / streamMs).toLocaleString('en')}/s), ${published.length} batches; snapshot reloads during it: ${Math.max(0, reloads - 1)}`,
    );
    console.log(
      `  ${fps.toFixed(1)} fps (longest frame gap ${ms(Math.max(0, ...frameGaps))}, p95 gap ${ms(quantile(frameGaps, 0.95))})`,
    );
    console.log(
      `  publish → data-state change: p50 ${ms(quantile(lags, 0.5))}, p95 ${ms(p95)}, max ${ms(Math.max(0, ...lags))} (${lags.length} samples, ${missed} never shown); → next frame: p50 ${ms(quantile(paintLags, 0.5))}, p95 ${ms(quantile(paintLags, 0.95))}`,
    );
    results.push(
      `3. monitor, 10k components, ${Math.round((sent * 1000) / streamMs).toLocaleString('en')} changes/s for ${ms(streamMs)}: ${fps.toFixed(1)} fps (target ≥ ${TARGET.fps}: ${yes(fps >= TARGET.fps)}); lag p50 ${ms(quantile(lags, 0.5))} / p95 ${ms(p95)} (target p95 ≤ ${TARGET.lagP95Ms} ms: ${yes(p95 <= TARGET.lagP95Ms && missed === 0)}; ${missed} of ${published.length} sampled changes never shown)`,
    );
  }
} finally {
  await shutdown();
}

console.log('\n== summary ==');
for (const line of results) console.log(line);
