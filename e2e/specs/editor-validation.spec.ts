import { expect, test } from '@playwright/test';
import { connectWithMouse, dropComponent, editorNode, openEditor, selectComponent } from '../fixtures/editor';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Ordo templates, not JS ones
const unknownRef = '{"vpc_id": "${vpc::nope.vpc_id}"}';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Ordo templates, not JS ones
const goodRef = '{"vpc_id": "${vpc::vpc-1.vpc_id}"}';

test('templates are checked as you type and validated live; problems lead to their component', async ({
  page,
}, testInfo) => {
  await openEditor(page);
  const vpc = await dropComponent(page, 'vpc', { x: 0.2, y: 0.3 });
  const network = await dropComponent(page, 'network', { x: 0.6, y: 0.3 });
  await connectWithMouse(page, vpc, network);
  await expect(page.getByTestId('graph-summary')).toHaveText('2 components · 1 edge');

  const panel = page.getByRole('region', { name: 'Component', exact: true });
  const properties = panel.getByLabel('Properties (JSON)');
  await properties.fill(unknownRef);
  // flagged while typing, before anything is committed
  await expect(panel.getByRole('list', { name: 'Templates' })).toContainText('names no known component');
  await properties.press('Tab');

  const problems = page.getByRole('list', { name: 'Validation problems' });
  await expect(problems.getByRole('listitem')).toHaveCount(1);
  await expect(problems).toContainText('unknown_template_component');
  await expect(problems).toContainText(
    `component "${network}": template \${vpc::nope.vpc_id} names no component`,
  );
  await expect(editorNode(page, network)).toHaveAttribute('data-invalid', 'true');
  await expect(editorNode(page, vpc)).toHaveAttribute('data-invalid', 'false');

  // choosing the problem selects the component it names
  await selectComponent(page, vpc);
  await problems.getByRole('button').first().click();
  await expect(editorNode(page, network)).toHaveAttribute('data-selected', 'true');
  await expect(panel.getByLabel('Component id')).toHaveValue(network);
  await page.screenshot({ path: testInfo.outputPath('editor-validation-flagged.png') });

  // a JSON value that is not an object is refused on blur, with a clear message
  await properties.fill('[1, 2]');
  await properties.press('Tab');
  await expect(panel.getByRole('alert')).toHaveText(
    'Properties must be a JSON object, like {"size": "small"}.',
  );

  // a template that reads an ancestor is fine
  await properties.fill(goodRef);
  await properties.press('Tab');
  await expect(panel.getByRole('alert')).toHaveCount(0);
  await expect(problems.getByRole('listitem')).toHaveCount(0);
  await expect(editorNode(page, network)).toHaveAttribute('data-invalid', 'false');
  await expect(panel.getByRole('list', { name: 'Templates' })).toContainText('ok');

  // undo brings the bad template (and its problem) back
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(problems.getByRole('listitem')).toHaveCount(1);
  await expect(properties).toHaveValue(/vpc::nope/);
  await page.screenshot({ path: testInfo.outputPath('editor-validation.png') });
});
