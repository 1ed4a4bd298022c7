import { expect, test } from '@playwright/test';
import { drawFourComponentGraphDetailed, editorCanvas, graphSummary } from '../fixtures/editor';

test('draw four components with the mouse, connect them, edit one, save as v1', async ({
  page,
}, testInfo) => {
  const { name, ids } = await drawFourComponentGraphDetailed(page, `drawn-${Date.now()}`);

  // what the person sees: four components, four arrows, no problems, "saved … v1"
  await expect(graphSummary(page)).toHaveText('4 components · 4 edges');
  await expect(editorCanvas(page).locator('.react-flow__edge')).toHaveCount(4);
  await expect(page.getByRole('list', { name: 'Validation problems' }).getByRole('listitem')).toHaveCount(0);
  await expect(page.getByText('No problems: this graph can run (simulated).')).toBeVisible();
  await expect(page.getByTestId('save-status')).toHaveText(`saved ${name} v1`);
  const saved = page.getByRole('region', { name: 'Saved graphs' });
  await expect(saved.getByRole('button', { name: `Open ${name}` })).toContainText('v1');

  // and what was stored: the Ordo native document with the edges drawn and the edited name
  const input = encodeURIComponent(JSON.stringify({ name }));
  const response = await page.request.get(`/api/trpc/graph.get?input=${input}`);
  expect(response.ok()).toBe(true);
  const { document } = (await response.json()).result.data as {
    document: {
      ordo: number;
      changes: { _component_id: string; name?: string; _position?: unknown }[];
      edges: { source: string; destination: string }[];
    };
  };
  expect(document.ordo).toBe(1);
  expect(document.changes.map((c) => c._component_id).sort()).toEqual(Object.values(ids).sort());
  expect(document.changes.find((c) => c._component_id === ids.network)?.name).toBe('public-net');
  expect(document.changes.every((c) => c._position !== undefined)).toBe(true);
  expect(document.edges).toHaveLength(4);
  expect(document.edges).toContainEqual({ source: ids.firewall, destination: ids.instance });

  // saving again makes v2
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByTestId('save-status')).toHaveText(`saved ${name} v2`);

  // clear the canvas, then open the saved graph again from the list
  await page.getByRole('button', { name: 'Clear' }).click();
  await expect(graphSummary(page)).toHaveText('0 components · 0 edges');
  await saved.getByRole('button', { name: `Open ${name}` }).click();
  await expect(page.getByTestId('save-status')).toHaveText(`opened ${name} v2`);
  await expect(graphSummary(page)).toHaveText('4 components · 4 edges');
  await expect(editorCanvas(page).locator('.react-flow__edge')).toHaveCount(4);

  await page.screenshot({ path: testInfo.outputPath('editor-draw.png') });
});
