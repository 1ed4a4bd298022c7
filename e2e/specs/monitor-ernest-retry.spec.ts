import { expect, test } from '@playwright/test';
import { node, startFromPlan } from '../fixtures/monitor';
import { ernestExample } from '../fixtures/paths';

const COMPONENTS = [
  'credentials::sim',
  'vpc::shop',
  'network::shop-public',
  'firewall::shop-web',
  'instance::shop-web-1',
  'instance::shop-web-2',
  'elb::shop',
];

test('the Ernest example fails on its flaky instance, then completes after "Retry from failure"', async ({
  page,
}, testInfo) => {
  await page.goto('/builds/new');
  await page.getByLabel('Graph file').setInputFiles(ernestExample);
  const plan = page.getByTestId('plan');
  await expect(plan).toContainText('7 components');
  await expect(page.getByTestId('plan-instance::shop-web-2')).toContainText('instance_type');
  await page.screenshot({ path: testInfo.outputPath('ernest-plan.png'), fullPage: true });

  await startFromPlan(page);
  await expect(page.locator('[data-testid^="node-"]')).toHaveCount(COMPONENTS.length);

  // fail-fast: the instance with `_sim.fail` errors, the load balancer after it never runs
  await expect(node(page, 'instance::shop-web-2')).toHaveAttribute('data-state', 'errored');
  await expect(page.getByTestId('build-state')).toHaveText('errored');
  await expect(node(page, 'elb::shop')).toHaveAttribute('data-state', 'waiting');
  await expect(node(page, 'instance::shop-web-1')).toHaveAttribute('data-state', 'completed');

  await node(page, 'instance::shop-web-2').click();
  const panel = page.getByTestId('component-panel');
  await expect(panel.getByTestId('component-error')).toHaveText('quota exceeded');
  await expect(panel.getByRole('button', { name: 'Retry' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('ernest-errored.png'), fullPage: true });

  await node(page, 'elb::shop').click();
  await expect(panel).toContainText('Not dispatched yet.');

  await page.getByRole('button', { name: 'Retry from failure' }).click();
  await expect(page.getByTestId('build-state')).toHaveText('completed', { timeout: 30_000 });
  for (const id of COMPONENTS) await expect(node(page, id)).toHaveAttribute('data-state', 'completed');
  await expect(page.getByRole('button', { name: 'Retry from failure' })).toHaveCount(0);
  await expect(page.getByTestId('activity')).toContainText('retried the build');

  await node(page, 'instance::shop-web-2').click();
  await expect(panel.getByTestId('component-state')).toContainText('completed');
  await expect(panel).toContainText('attempt 2');

  await page.screenshot({ path: testInfo.outputPath('ernest-retried.png'), fullPage: true });

  // the history lists it; opened again, a completed build offers no action
  const buildId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
  await page.goto('/builds');
  await page.getByLabel('State').selectOption('completed');
  await page.getByLabel('Environment').selectOption('shop-staging');
  const row = page.getByTestId(`build-row-${buildId}`);
  await expect(row).toContainText('7/7 completed');
  await page.screenshot({ path: testInfo.outputPath('ernest-history.png') });
  await row.getByRole('link', { name: 'shop-staging' }).click();
  await expect(page.getByTestId('build-state')).toHaveText('completed');
  await expect(node(page, 'elb::shop')).toHaveAttribute('data-state', 'completed');
  await expect(page.getByRole('button', { name: /Retry|Cancel/ })).toHaveCount(0);
});
