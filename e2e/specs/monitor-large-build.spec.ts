import { expect, test } from '@playwright/test';
import { scaleGraph } from '../fixtures/scale-graph';

// A build above the monitor's "large" threshold (1,500 components) is drawn differently
// (BENCH.md "pnpm bench:web"): its edges as one image made off the main thread, its timeline
// reading only the rows it lists and keeping only those in the window's view in the page.
test('a large build: edges drawn as one image, timeline rows that follow the scroll', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const graph = scaleGraph({ size: 1_600, columns: 16, name: 'large-monitor' });
  const created = await request.post('/api/v1/builds', { data: { graph, environment: 'e2e-large' } });
  expect(created.status(), await created.text()).toBe(202);
  const { id } = (await created.json()) as { id: string };
  await expect
    .poll(
      async () => ((await (await request.get(`/api/v1/builds/${id}`)).json()) as { state: string }).state,
      {
        timeout: 60_000,
      },
    )
    .toBe('completed');

  await page.goto(`/builds/${encodeURIComponent(id)}`);
  await expect(page.getByTestId('build-state')).toHaveText('completed');
  // the view is fitted at the large builds' zoom floor: part of the graph, every node in it completed
  await expect(page.locator('.react-flow__node [data-state="completed"]').first()).toBeVisible();
  await expect(page.locator('.react-flow__node [data-state]:not([data-state="completed"])')).toHaveCount(0);

  // the edges: one decoded image of the area around the view, no <path> per edge piece
  const image = page.getByTestId('monitor-edges-image').locator('img');
  await expect(image).toHaveCount(1);
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(Number(await page.getByTestId('monitor-edges-image').getAttribute('data-pieces'))).toBeGreaterThan(
    100,
  );
  await expect(page.getByTestId('monitor-edges').locator('g path')).toHaveCount(0);

  // the timeline lists 100 of the 1,600 and says there are more; only rows near the view are in the page
  const timeline = page.getByTestId('timeline');
  await expect(timeline).toContainText('More components are not shown');
  const labels = timeline.locator('button.bm-gantt-label');
  await timeline.scrollIntoViewIfNeeded();
  await expect(labels.first()).toBeVisible();
  const firstBefore = await labels.first().textContent();
  expect(await labels.count()).toBeLessThan(100);
  // scrolled to the end of the list: its first rows leave the page, the last ones come in
  await page.getByText('More components are not shown').scrollIntoViewIfNeeded();
  await expect(labels.first()).not.toHaveText(firstBefore ?? '');
  await expect(labels.last()).toBeInViewport();

  await page.screenshot({ path: testInfo.outputPath('large-build.png'), fullPage: false });
});
