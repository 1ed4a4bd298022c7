import { expect, test } from '@playwright/test';
import { ernestExample } from '../fixtures/paths';

test('a valid Ernest mapping is recognised with its component count', async ({ page }, testInfo) => {
  await page.goto('/check');
  await page.getByLabel('Graph file').setInputFiles(ernestExample);
  await expect(page.getByText('Valid ernest graph: 7 components, 9 edges.')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('valid.png') });
});

test('a graph with a cycle and a dangling edge lists both problems', async ({ page }, testInfo) => {
  await page.goto('/check');
  const graph = {
    id: 'broken',
    edges: [
      { source: 'a', destination: 'b' },
      { source: 'b', destination: 'a' },
      { source: 'a', destination: 'ghost' },
    ],
    components: [],
    changes: [
      { _component_id: 'a', _component: 'vpc', _action: 'create', _provider: 'sim' },
      { _component_id: 'b', _component: 'vpc', _action: 'create', _provider: 'sim' },
    ],
  };
  await page.getByLabel('Graph JSON').fill(JSON.stringify(graph));
  await page.getByRole('button', { name: 'Check graph' }).click();
  const problems = page.locator('[data-outcome="invalid"]');
  await expect(problems).toContainText('cycle');
  await expect(problems).toContainText('ghost');
  await page.screenshot({ path: testInfo.outputPath('invalid.png') });
});
