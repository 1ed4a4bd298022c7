import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { editorCanvas, editorNode, graphSummary, openEditor } from '../fixtures/editor';
import { ernestExample } from '../fixtures/paths';

test('a valid upload replaces the graph, is laid out left to right, and edits like a drawing', async ({
  page,
}, testInfo) => {
  await openEditor(page);
  await page.getByLabel('Upload graph file').setInputFiles(ernestExample);
  await expect(page.getByTestId('editor-notice')).toContainText(
    'Loaded ernest-mapping.example.json (ernest): 7 components, 9 edges.',
  );
  await expect(graphSummary(page)).toHaveText('7 components · 9 edges');
  await expect(page.getByText('No problems: this graph can run (simulated).')).toBeVisible();

  // no positions in the file: ELK (in a Web Worker) lays it out, dependencies left of dependants
  await expect(page.getByRole('button', { name: 'Layout', exact: true })).toBeEnabled();
  const x = async (id: string) => (await editorNode(page, id).boundingBox())?.x ?? Number.NaN;
  await expect
    .poll(async () => [await x('credentials::sim'), await x('vpc::shop'), await x('network::shop-public')])
    .toEqual([expect.any(Number), expect.any(Number), expect.any(Number)]);
  expect(await x('credentials::sim')).toBeLessThan(await x('vpc::shop'));
  expect(await x('vpc::shop')).toBeLessThan(await x('network::shop-public'));
  expect(await x('instance::shop-web-1')).toBeLessThan(await x('elb::shop'));

  // find by id: Enter selects the first match and centres it
  await page.getByLabel('Find component').fill('shop-web-2');
  await page.getByLabel('Find component').press('Enter');
  await expect(editorNode(page, 'instance::shop-web-2')).toHaveAttribute('data-selected', 'true');
  await expect(
    page.getByRole('region', { name: 'Component', exact: true }).getByLabel('Component id'),
  ).toHaveValue('instance::shop-web-2');
  // the template hints offer the ancestors' fields
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an Ordo template, not a JS one
  await expect(page.getByRole('list', { name: 'Template hints' })).toContainText('${vpc::shop.vpc_id}');

  // shift-click selects several
  await editorNode(page, 'instance::shop-web-1')
    .locator('.ge-node-id')
    .click({ modifiers: ['Shift'] });
  await expect(page.getByRole('region', { name: 'Component', exact: true })).toContainText(
    '2 components selected.',
  );

  // keyboard: copy, paste (a new id with a suffix), delete, undo
  await editorCanvas(page)
    .locator('.react-flow__pane')
    .click({ position: { x: 5, y: 5 } });
  await editorNode(page, 'instance::shop-web-2').locator('.ge-node-id').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(editorNode(page, 'instance::shop-web-2-copy')).toBeVisible();
  await expect(graphSummary(page)).toHaveText('8 components · 9 edges');
  await page.keyboard.press('Delete');
  await expect(graphSummary(page)).toHaveText('7 components · 9 edges');
  await page.keyboard.press('Control+z');
  await expect(graphSummary(page)).toHaveText('8 components · 9 edges');
  await page.keyboard.press('Control+Shift+z');
  await expect(graphSummary(page)).toHaveText('7 components · 9 edges');

  // export: the Ordo native document with positions
  const downloaded = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export Ordo JSON' }).click();
  const file = await downloaded;
  expect(file.suggestedFilename()).toBe('shop-staging.ordo.json');
  const document = JSON.parse(await readFile((await file.path()) as string, 'utf8')) as {
    ordo: number;
    changes: { _component_id: string; _position?: { x: number; y: number } }[];
    edges: unknown[];
  };
  expect(document.ordo).toBe(1);
  expect(document.changes).toHaveLength(7);
  expect(document.changes.every((c) => c._position !== undefined)).toBe(true);
  expect(document.edges).toHaveLength(9);

  await page.screenshot({ path: testInfo.outputPath('editor-upload-layout.png') });
});
