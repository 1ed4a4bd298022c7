import { describe, expect, it } from 'vitest';
import {
  apiConfigFromEnv,
  apiEnvSchema,
  DEFAULT_MAX_BODY_BYTES,
  defaultApiConfig,
  servedProviders,
} from './config';
import { GraphService } from './services/graph-service';
import type { StorePort } from './services/ports';

describe('API environment', () => {
  it('reads SIMULATE_PROVIDERS and ORDO_MAX_BODY_BYTES with their defaults', () => {
    expect(apiConfigFromEnv(apiEnvSchema.parse({}))).toMatchObject({
      simulateProviders: [],
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    });
    expect(
      apiEnvSchema.parse({ SIMULATE_PROVIDERS: ' aws, azure ,', ORDO_MAX_BODY_BYTES: '1024' }),
    ).toMatchObject({
      SIMULATE_PROVIDERS: ['aws', 'azure'],
      ORDO_MAX_BODY_BYTES: 1024,
    });
    expect(apiEnvSchema.parse({ SIMULATE_PROVIDERS: 'aws,*', ORDO_MAX_BODY_BYTES: '' })).toMatchObject({
      SIMULATE_PROVIDERS: '*',
      ORDO_MAX_BODY_BYTES: DEFAULT_MAX_BODY_BYTES,
    });
    expect(apiEnvSchema.safeParse({ ORDO_MAX_BODY_BYTES: 'lots' }).success).toBe(false);
    expect(apiEnvSchema.safeParse({ ORDO_MAX_BODY_BYTES: '-1' }).success).toBe(false);
  });

  it('reads ORDO_CALLBACK_ALLOWLIST (refusing a malformed entry) and ORDO_SUBJECT_PREFIX', () => {
    const config = apiConfigFromEnv(
      apiEnvSchema.parse({
        ORDO_CALLBACK_ALLOWLIST: '127.0.0.1, 10.0.0.0/8,hooks.internal',
        ORDO_SUBJECT_PREFIX: '',
      }),
    );
    expect(config.callbackAllowlist.entries).toEqual(['127.0.0.1', '10.0.0.0/8', 'hooks.internal']);
    expect(config.subjectPrefix).toBe('');
    const defaults = apiConfigFromEnv(apiEnvSchema.parse({}));
    expect(defaults.callbackAllowlist.entries).toEqual([]);
    expect(defaults.subjectPrefix).toBe('ordo.exec.');
    const bad = apiEnvSchema.safeParse({ ORDO_CALLBACK_ALLOWLIST: '10.0.0.0/99' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/10\.0\.0\.0\/99/);
  });

  it('serves the built-in providers plus SIMULATE_PROVIDERS; `*` serves every provider', () => {
    const graph = {
      ordo: 1,
      name: 'g',
      changes: [
        { _component_id: 'a', _component: 'vm', _action: 'create', _provider: 'aws' },
        { _component_id: 'b', _component: 'job', _action: 'create', _provider: 'shell' },
        { _component_id: 'c', _component: 'vm', _action: 'create', _provider: 'gcp' },
      ],
    };
    const check = (simulateProviders: readonly string[] | '*') =>
      new GraphService({ store: {} as StorePort, config: { ...defaultApiConfig, simulateProviders } })
        .validate(graph)
        .issues.map((i) => i.ids[0]);
    expect(check([])).toEqual(['a', 'c']);
    expect(check(['aws'])).toEqual(['c']);
    expect(check('*')).toEqual([]);
    expect(servedProviders({ ...defaultApiConfig, simulateProviders: '*' })).toBeUndefined();
  });
});
