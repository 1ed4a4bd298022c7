import { expect, test } from '@playwright/test';
import { connectWithMouse, dropComponent, editorCanvas, graphSummary, openEditor } from '../fixtures/editor';

test('an edge that would close a cycle is refused with the cycle named', async ({ page }, testInfo) => {
  await openEditor(page);
  const a = await dropComponent(page, 'vpc', { x: 0.15, y: 0.35 });
  const b = await dropComponent(page, 'network', { x: 0.45, y: 0.15 });
  const c = await dropComponent(page, 'firewall', { x: 0.75, y: 0.4 });
  const edges = editorCanvas(page).locator('.react-flow__edge');

  await connectWithMouse(page, a, b);
  await expect(edges).toHaveCount(1);
  await connectWithMouse(page, b, c);
  await expect(edges).toHaveCount(2);
  await expect(graphSummary(page)).toHaveText('3 components · 2 edges');

  await connectWithMouse(page, c, a);
  const notice = page.getByTestId('editor-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText(`${c} → ${a} would close the cycle ${a} → ${b} → ${c} → ${a}`);
  await expect(notice).toHaveAttribute('role', 'alert');

  // nothing was added: still two arrows, and the graph has no problems
  await expect(graphSummary(page)).toHaveText('3 components · 2 edges');
  await expect(edges).toHaveCount(2);
  await expect(page.getByRole('list', { name: 'Validation problems' }).getByRole('listitem')).toHaveCount(0);

  await page.screenshot({ path: testInfo.outputPath('editor-cycle.png') });
});
