import { expect, test } from '@playwright/test';
import { node, slowSleepGraph, startBuildFromFile } from '../fixtures/monitor';

test('"Cancel build" stops a running component and the executor logs the cancel', async ({
  page,
}, testInfo) => {
  await startBuildFromFile(page, slowSleepGraph);

  const slow = node(page, 'sleep::slow');
  await expect(slow).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('build-state')).toHaveText('running');
  await slow.click();
  const panel = page.getByTestId('component-panel');
  await expect(panel.getByTestId('component-state')).toContainText('running');

  await page.getByRole('button', { name: 'Cancel build' }).click();
  await expect(page.getByTestId('build-state')).toHaveText('cancelled');
  await expect(slow).toHaveAttribute('data-state', 'cancelled');
  await expect(node(page, 'nil::after')).toHaveAttribute('data-state', 'cancelled');
  await expect(panel.getByTestId('component-log')).toContainText('cancel received');
  await expect(page.getByTestId('activity')).toContainText('cancelled the build');
  await expect(page.getByRole('button', { name: 'Cancel build' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Retry from failure' })).toBeVisible();

  await page.screenshot({ path: testInfo.outputPath('cancelled.png'), fullPage: true });
});
