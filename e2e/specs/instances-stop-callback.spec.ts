import { expect, test } from '@playwright/test';
import { buildInstance, CallbackReceiver } from '../fixtures/instances';

const receiver = new CallbackReceiver();
test.afterAll(() => receiver.stop());

test('stop an instance from the Instances page: its state goes stopping → stopped and a signed callback is delivered', async ({
  page,
  request,
}, testInfo) => {
  const hook = await receiver.start();
  const resourceId = await buildInstance(request, 'e2e-instances', 'instance::web');

  await page.goto('/instances');
  await expect(page.getByTestId('live-status')).toHaveText(/live/);
  const row = page.getByTestId(`resource-row-${resourceId}`);
  await expect(row).toHaveAttribute('data-state', 'running');
  await expect(row.getByTestId('resource-state')).toHaveText('running');
  // only what the state allows: a running instance can be stopped, rebooted, terminated — not started
  await expect(row.getByRole('button', { name: /^Stop / })).toBeVisible();
  await expect(row.getByRole('button', { name: /^Start / })).toHaveCount(0);

  // open it and register a callback for it through the form; the secret is shown once
  await row.getByRole('button', { name: 'instance::web', exact: true }).click();
  const detail = page.getByTestId('resource-detail');
  await expect(detail.getByTestId('detail-state')).toHaveText('running');
  const form = detail.getByTestId('callback-form');
  await form.getByLabel('Callback URL').fill(hook);
  await form.getByRole('button', { name: 'Register callback' }).click();
  const secret = (await detail.getByTestId('callback-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
  await detail.getByRole('button', { name: 'Done' }).click();
  await expect(detail.getByTestId('callback-destination')).toHaveText(hook);

  // Stop: the runner moves it to stopping at once, the sim provider finishes after 2.5 s
  await row.getByRole('button', { name: /^Stop / }).click();
  await expect(row.getByTestId('action-feedback')).toHaveText('stop requested');
  await expect(row).toHaveAttribute('data-state', 'stopping');
  await expect(row.getByTestId('resource-state')).toHaveText('stopping');
  await expect(row).toHaveAttribute('data-state', 'stopped', { timeout: 20_000 });
  await expect(row.getByTestId('resource-state')).toHaveText('stopped');
  await expect(row.getByRole('button', { name: /^Start / })).toBeVisible();

  // the deliveries of both changes appear, delivered with HTTP 200
  const deliveries = detail.locator('[data-testid="delivery-row"]');
  const stopped = deliveries.filter({ has: page.locator('td', { hasText: 'stopping → stopped' }) });
  await expect(stopped.first()).toHaveAttribute('data-status', 'delivered', { timeout: 20_000 });
  await expect(stopped.first().getByTestId('delivery-http')).toHaveText('200');
  const stopping = deliveries.filter({ has: page.locator('td', { hasText: 'running → stopping' }) });
  await expect(stopping.first()).toHaveAttribute('data-status', 'delivered');
  await expect(detail.getByTestId('state-history')).toContainText('stopping → stopped');

  // what the receiver got: both changes, signed with the secret the page showed
  await expect.poll(() => receiver.received.map((d) => d.body.new_state)).toEqual(['stopping', 'stopped']);
  expect(receiver.received[1]?.body).toMatchObject({
    resource: resourceId,
    old_state: 'stopping',
    new_state: 'stopped',
    environment: 'e2e-instances',
  });
  expect(receiver.verifyAll(secret)).toEqual([true, true]);
  expect(receiver.verifyAll('whsec_not-the-secret')).toEqual([false, false]);

  await page.screenshot({ path: testInfo.outputPath('instances-stopped.png'), fullPage: true });
});
