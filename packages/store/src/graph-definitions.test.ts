import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from './errors';
import { createStore } from './store';
import { createTestStore, type TestStore } from './testing';

const doc = (label: string) => ({
  ordo: 1,
  components: [{ _component_id: `vpc::${label}`, _component: 'vpc', _action: 'create', _provider: 'sim' }],
  edges: [],
  layout: { 'vpc::prod': { x: 1.5, y: -2 } },
  note: 'ünïcødé ✓',
});

describe('GraphDefinitionRepository (SQLite file)', () => {
  let store: TestStore;

  beforeEach(async () => {
    store = await createTestStore();
  });
  afterEach(async () => {
    await store.close();
  });

  it('numbers the versions of a name 1, 2, 3 and keeps each document', async () => {
    const before = Date.now();
    const v1 = await store.graphDefinitions.save('web', doc('one'));
    const v2 = await store.graphDefinitions.save('web', doc('two'));
    const other = await store.graphDefinitions.save('db', doc('db'));

    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    expect(v1.createdAt).toBeInstanceOf(Date);
    expect(v1.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(v1.document).toEqual(doc('one'));
    expect(await store.graphDefinitions.get('web', 1)).toEqual(v1);
    expect(await store.graphDefinitions.get('web', 2)).toEqual(v2);
    expect(await store.graphDefinitions.latest('web')).toEqual(v2);
  });

  it('returns plain objects with exactly the public fields', async () => {
    await store.graphDefinitions.save('web', doc('one'));
    const found = await store.graphDefinitions.latest('web');
    expect(found).not.toBeNull();
    expect(Object.getPrototypeOf(found)).toBe(Object.prototype);
    expect(Object.keys(found ?? {}).sort()).toEqual(['createdAt', 'document', 'name', 'version']);
  });

  it('answers null for what was never saved', async () => {
    await store.graphDefinitions.save('web', doc('one'));
    expect(await store.graphDefinitions.latest('nothing')).toBeNull();
    expect(await store.graphDefinitions.get('web', 2)).toBeNull();
    expect(await store.graphDefinitions.get('nothing', 1)).toBeNull();
  });

  it('lists the latest version of every name, by name', async () => {
    expect(await store.graphDefinitions.list()).toEqual([]);
    await store.graphDefinitions.save('web', doc('w1'));
    await store.graphDefinitions.save('db', doc('d1'));
    await store.graphDefinitions.save('web', doc('w2'));
    await store.graphDefinitions.save('web', doc('w3'));

    const list = await store.graphDefinitions.list();
    expect(list.map((d) => [d.name, d.version])).toEqual([
      ['db', 1],
      ['web', 3],
    ]);
    expect(list[1]?.document).toEqual(doc('w3'));
  });

  it('gives concurrent saves of one name distinct consecutive versions', async () => {
    const saved = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.graphDefinitions.save('web', doc(String(i)))),
    );
    expect(saved.map((d) => d.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await store.graphDefinitions.latest('web'))?.version).toBe(20);
  });

  it('stores the JSON form of the document', async () => {
    const saved = await store.graphDefinitions.save('web', { a: 1, gone: undefined, when: new Date(0) });
    expect(saved.document).toEqual({ a: 1, when: '1970-01-01T00:00:00.000Z' });
    expect((await store.graphDefinitions.latest('web'))?.document).toEqual(saved.document);
  });

  it('refuses an empty name and documents that are not JSON values', async () => {
    const invalid = { name: 'StoreError', code: 'INVALID_ARGUMENT' };
    await expect(store.graphDefinitions.save(' ', doc('x'))).rejects.toMatchObject(invalid);
    await expect(store.graphDefinitions.save('web', null)).rejects.toMatchObject(invalid);
    await expect(store.graphDefinitions.save('web', undefined)).rejects.toMatchObject(invalid);
    await expect(store.graphDefinitions.save('web', { n: 1n })).rejects.toBeInstanceOf(StoreError);
    expect(await store.graphDefinitions.list()).toEqual([]);
  });

  it('keeps what was saved when the file is opened again', async () => {
    const saved = await store.graphDefinitions.save('web', doc('one'));
    const again = createStore({ url: store.url });
    try {
      expect(await again.graphDefinitions.latest('web')).toEqual(saved);
    } finally {
      await again.close();
    }
  });
});
