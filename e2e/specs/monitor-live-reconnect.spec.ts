import { expect, type Page, test, type WebSocketRoute } from '@playwright/test';
import { node, shortSleepGraph, startBuildFromFile } from '../fixtures/monitor';

/** Puts every WebSocket of the page (the NATS connection) through a switch the test controls. */
async function switchableLive(page: Page) {
  let up = true;
  const open = new Set<WebSocketRoute>();
  await page.routeWebSocket(
    (url) => url.protocol === 'ws:' || url.protocol === 'wss:',
    (ws) => {
      if (!up) {
        // nats.ws counts an attempt that closes before the server's INFO as failed only after
        // its connect timeout (20 s): the reconnect below takes that long
        void ws.close({ code: 1011, reason: 'test: network down' });
        return;
      }
      ws.connectToServer();
      open.add(ws);
    },
  );
  return {
    async down() {
      up = false;
      for (const ws of open) await ws.close({ code: 1011, reason: 'test: network down' });
      open.clear();
    },
    up() {
      up = true;
    },
  };
}

test('a build that finishes while the live connection is down shows its end after the reconnect', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(90_000);
  const live = await switchableLive(page);
  const buildId = await startBuildFromFile(page, shortSleepGraph);
  await expect(page.getByTestId('live-status')).toHaveText('● live');
  await expect(node(page, 'sleep::short')).toHaveAttribute('data-state', 'running');

  await live.down();
  await expect(page.getByTestId('live-status')).toContainText('reconnecting');
  // the build ends meanwhile: its events are published while this page hears nothing
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/v1/builds/${buildId}`)).json()) as { state: string }).state,
      {
        timeout: 15_000,
      },
    )
    .toBe('completed');
  await expect(page.getByTestId('build-state')).toHaveText('running');

  live.up();
  // the reconnect reloads the snapshot: no event will come again for this build
  await expect(page.getByTestId('live-status')).toHaveText('● live', { timeout: 45_000 });
  await expect(page.getByTestId('build-state')).toHaveText('completed');
  await expect(node(page, 'sleep::short')).toHaveAttribute('data-state', 'completed');

  await page.screenshot({ path: testInfo.outputPath('reconnected.png') });
});
