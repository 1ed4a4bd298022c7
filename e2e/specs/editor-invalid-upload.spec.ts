import { expect, test } from '@playwright/test';
import { dropComponent, editorNode, graphSummary, openEditor } from '../fixtures/editor';

// A gorch-free Ernest mapping in YAML: a → b → a is a cycle, a → ghost names a missing node.
const brokenYaml = `
id: broken-upload
edges:
  - { source: a, destination: b }
  - { source: b, destination: a }
  - { source: a, destination: ghost }
components: []
changes:
  - { _component_id: a, _component: vpc, _action: create, _provider: sim }
  - { _component_id: b, _component: network, _action: create, _provider: sim }
  - { _component_id: c, _component: firewall, _action: create, _provider: sim }
`;

test('an invalid upload is drawn with its problems, loads nothing and saves nothing', async ({
  page,
}, testInfo) => {
  await openEditor(page);
  const mine = await dropComponent(page, 'vpc', { x: 0.3, y: 0.3 });
  await expect(graphSummary(page)).toHaveText('1 component · 0 edges');

  await page.getByLabel('Upload graph file').setInputFiles({
    name: 'broken.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(brokenYaml),
  });

  const preview = page.getByRole('region', { name: 'Invalid upload' });
  await expect(preview).toBeVisible();
  await expect(preview).toContainText('Invalid upload: broken.yaml');
  await expect(preview).toContainText('nothing was loaded or saved');

  // the offending components and the missing one are outlined; the innocent one is not
  for (const id of ['a', 'b', 'ghost']) {
    await expect(preview.getByTestId(`node-${id}`)).toHaveAttribute('data-invalid', 'true');
  }
  await expect(preview.getByTestId('node-c')).toHaveAttribute('data-invalid', 'false');
  await expect(preview.getByTestId('node-ghost')).toContainText('not a component of the graph');
  await expect(preview.locator('.ge-edge[data-invalid="true"]')).toHaveCount(3);

  // the messages name the ids
  const problems = preview.getByRole('list', { name: 'Upload problems' });
  await expect(problems.getByRole('listitem')).toHaveCount(2);
  await expect(problems).toContainText('cycle: "a" → "b" → "a"');
  await expect(problems).toContainText('destination "ghost" is not a component of changes or components');
  await page.screenshot({ path: testInfo.outputPath('editor-invalid-upload-preview.png') });

  // the editor graph is still the one drawn before
  await expect(graphSummary(page)).toHaveText('1 component · 0 edges');
  await expect(editorNode(page, mine)).toBeAttached();
  await expect(editorNode(page, 'a')).toHaveCount(0);

  // and nothing was saved: neither over HTTP nor in the page's saved list
  const response = await page.request.get('/api/trpc/graph.list');
  expect(response.ok()).toBe(true);
  const { definitions } = (await response.json()).result.data as { definitions: { name: string }[] };
  expect(definitions.map((d) => d.name)).not.toContain('broken-upload');
  await expect(page.getByRole('region', { name: 'Saved graphs' })).not.toContainText('broken-upload');

  await preview.getByRole('button', { name: 'Discard upload' }).click();
  await expect(preview).toHaveCount(0);
  await expect(editorNode(page, mine)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('editor-invalid-upload-discarded.png') });
});
