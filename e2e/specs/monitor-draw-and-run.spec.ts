import { expect, test } from '@playwright/test';
import { drawFourComponentGraph } from '../fixtures/editor';
import { startFromPlan } from '../fixtures/monitor';

test('a graph drawn in the editor runs simulated and every node completes', async ({ page }, testInfo) => {
  const name = await drawFourComponentGraph(page);

  // the editor's "Run…" opens the plan of the saved version
  await page.getByRole('button', { name: 'Run…' }).click();
  await page.waitForURL((url) => url.pathname === '/builds/new' && url.searchParams.get('graph') === name);
  await expect(page.getByTestId('graph-source')).toContainText(name);
  const plan = page.getByTestId('plan');
  await expect(plan).toContainText('4 components');
  await expect(plan).toContainText('public-net');
  await expect(page.getByRole('checkbox', { name: /Simulate/ })).toBeChecked();
  await startFromPlan(page);

  const nodes = page.locator('[data-testid^="node-"]');
  await expect(nodes).toHaveCount(4);
  await expect(page.getByTestId('build-state')).toHaveText('completed', { timeout: 30_000 });
  for (const n of await nodes.all()) await expect(n).toHaveAttribute('data-state', 'completed');
  await expect(page.getByTestId('build-progress')).toContainText('4/4 done');
  await expect(page.getByTestId('timeline')).toBeVisible();

  await page.screenshot({ path: testInfo.outputPath('draw-and-run.png') });
});
