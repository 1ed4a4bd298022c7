import { expect, test } from '@playwright/test';
import { buildInstance } from '../fixtures/instances';

/** A small lifecycle of type `instance` whose tasks run on the built-in `nil` executor. */
const lifecycle = {
  type: 'instance',
  initial: 'launched',
  transitions: [
    { source: 'launched', dest: 'joined', triggers: [{ name: 'join' }] },
    { source: 'joined', dest: 'ready', triggers: [{ name: 'complete_lifecycle' }] },
    { source: 'failure', dest: 'abandoned', triggers: [{ name: 'abandon', ignore_errors: true }] },
  ],
  tasks: {
    join: { engine: 'nil' },
    complete_lifecycle: { engine: 'nil' },
    abandon: { engine: 'nil' },
  },
};

test('a resource’s lifecycle is drawn as a state diagram with its current state and transitions', async ({
  page,
  request,
}, testInfo) => {
  const saved = await request.post('/api/v1/lifecycles', { data: lifecycle });
  expect(saved.status()).toBe(201);
  const { version } = (await saved.json()) as { version: number };
  const resourceId = await buildInstance(request, 'e2e-lifecycle', 'instance::app');

  await page.goto('/instances');
  const row = page.getByTestId(`resource-row-${resourceId}`);
  await row.getByRole('button', { name: 'instance::app', exact: true }).click();
  const section = page.getByTestId('lifecycle');
  const diagram = section.getByTestId('lifecycle-diagram');
  await expect(diagram).toBeVisible();
  // every state of the definition, failure included, is a node; the machine ends in `ready`
  for (const state of ['launched', 'joined', 'ready', 'failure', 'abandoned']) {
    await expect(diagram.getByTestId(`lifecycle-state-${state}`)).toBeVisible();
  }
  await expect(diagram.getByTestId('lifecycle-state-ready')).toHaveAttribute('data-state', 'current', {
    timeout: 20_000,
  });
  await expect(diagram.getByTestId('lifecycle-state-launched')).toHaveAttribute('data-state', 'visited');
  await expect(diagram.getByTestId('lifecycle-state-abandoned')).toHaveAttribute('data-state', 'idle');
  await expect(section.getByTestId('lifecycle-current')).toHaveText('ready');
  await expect(section).toContainText(`instance v${version}`);
  // edges carry their trigger names
  await expect(diagram).toContainText('complete_lifecycle');
  const history = section.getByTestId('lifecycle-history');
  await expect(history.locator('li')).toHaveCount(2);
  await expect(history.locator('li').first()).toContainText('joined → ready');

  await page.screenshot({ path: testInfo.outputPath('instances-lifecycle.png'), fullPage: true });
});
