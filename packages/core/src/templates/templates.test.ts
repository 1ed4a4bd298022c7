// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  hasTemplates,
  listTemplateRefs,
  MAX_TEMPLATE_DEPTH,
  type ResolveResult,
  resolveTemplates,
  type TemplateContext,
} from './index';

type Rec = Record<string, unknown>;

/** A context over a build document and a table of component records (as the scheduler keeps them). */
function makeContext(doc: Rec, records: Record<string, Rec> = {}): TemplateContext {
  const components = Array.isArray(doc.components) ? (doc.components as Rec[]) : [];
  return {
    root: (key) => (Object.hasOwn(doc, key) ? doc[key] : undefined),
    environmentComponent: (id) => components.find((c) => c._component_id === id),
    component: (id) => records[id],
    knownIds: new Set(Object.keys(records)),
  };
}

function ok(result: ResolveResult): unknown {
  if (!result.ok) throw new Error(`expected ok, got error: ${result.error}`);
  return result.value;
}

function err(result: ResolveResult): string {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

// The environment of formats/ernest-mapping.example.json once credentials::sim and vpc::shop completed.
const credentials = {
  _component_id: 'credentials::sim',
  _component: 'credentials',
  _action: 'none',
  _provider: 'sim',
  name: 'sim',
  region: 'eu-central-1',
};
const vpc = {
  _component_id: 'vpc::shop',
  _component: 'vpc',
  _action: 'create',
  _provider: 'sim',
  name: 'shop',
  subnet: '10.20.0.0/16',
  region: 'eu-central-1',
  vpc_id: 'vpc-0a1b',
};
const shopDoc = { id: 'shop-staging', action: 'service.create', components: [credentials, vpc], changes: [] };
const shopCtx = makeContext(shopDoc, { 'credentials::sim': credentials, 'vpc::shop': vpc });

describe('resolveTemplates on the Ernest mapping example', () => {
  it('resolves $(components.#[_component_id="credentials::sim"].region) through the fast path', () => {
    const environmentComponent = vi.fn(shopCtx.environmentComponent);
    const root = vi.fn(shopCtx.root);
    const ctx = { ...shopCtx, environmentComponent, root };
    const change = {
      _component_id: 'vpc::shop',
      name: 'shop',
      subnet: '10.20.0.0/16',
      region: '$(components.#[_component_id="credentials::sim"].region)',
    };
    expect(ok(resolveTemplates(change, ctx))).toEqual({ ...change, region: 'eu-central-1' });
    expect(environmentComponent).toHaveBeenCalledWith('credentials::sim');
    expect(root).not.toHaveBeenCalled();
  });

  it('gives the same answer by scanning components when the fast path does not apply', () => {
    expect(ok(resolveTemplates('$(components.#[_component="credentials"].region)', shopCtx))).toBe(
      'eu-central-1',
    );
    expect(
      ok(resolveTemplates('$(components.#[_component_id="credentials::sim"]#.region)', shopCtx)),
    ).toEqual(['eu-central-1']);
  });

  it('resolves ${vpc::shop.vpc_id} in network and firewall changes', () => {
    const network = { name: 'shop-public', range: '10.20.1.0/24', vpc_id: '${vpc::shop.vpc_id}' };
    expect(ok(resolveTemplates(network, shopCtx))).toEqual({ ...network, vpc_id: 'vpc-0a1b' });
  });

  it('reads other top-level fields of the build document', () => {
    expect(ok(resolveTemplates('$(id)', shopCtx))).toBe('shop-staging');
    expect(ok(resolveTemplates('$(components.#)', shopCtx))).toBe(2);
  });
});

describe('nested values', () => {
  it('resolves templates anywhere in nested objects and lists, copying only changed branches', () => {
    const untouched = { protocol: 'tcp', from_port: 443 };
    const input = {
      name: 'shop-web',
      rules: {
        ingress: [untouched, { protocol: 'tcp', ip: '${vpc::shop.subnet}' }],
        egress: [['${vpc::shop.region}', 'x']],
      },
      tags: { owner: 'ops' },
    };
    const snapshot = structuredClone(input);
    const out = ok(resolveTemplates(input, shopCtx)) as typeof input;
    expect(out).toEqual({
      name: 'shop-web',
      rules: {
        ingress: [untouched, { protocol: 'tcp', ip: '10.20.0.0/16' }],
        egress: [['eu-central-1', 'x']],
      },
      tags: { owner: 'ops' },
    });
    expect(input).toEqual(snapshot); // not mutated
    expect(out).not.toBe(input);
    expect(out.tags).toBe(input.tags); // a branch without templates is shared, not copied
    expect(out.rules.ingress[0]).toBe(untouched);
  });

  it('returns a value without templates as the same reference', () => {
    const input = { a: [1, 'two', { three: null }], b: 'cost: $5 (approx) {x}' };
    const result = resolveTemplates(input, shopCtx);
    expect(ok(result)).toBe(input);
  });

  it('keeps a JSON "__proto__" key as a plain field when copying', () => {
    const input = JSON.parse('{"__proto__": "${vpc::shop.vpc_id}", "a": 1}') as Rec;
    const out = ok(resolveTemplates(input, shopCtx)) as Rec;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('vpc-0a1b');
  });
});

describe('$(…) path syntax', () => {
  const items = [
    { name: 'a.b::c', kind: 'x', meta: { zone: 'z1' }, port: 1 },
    { name: 'p)q]r}s', kind: 'y', meta: { zone: 'z2' }, port: 2 },
    { name: 'third', kind: 'x', meta: { zone: 'z3' }, port: 3 },
  ];
  const ctx = makeContext({ items, nested: { list: [[10, 20], [30]] }, flag: false, none: null });

  it.each([
    ['#[name="a.b::c"].port', 1],
    ['#[name=="a.b::c"].port', 1],
    ["#[name='a.b::c'].port", 1],
    ['#[ name = "third" ].port', 3],
    ['#[name="p)q]r}s"].port', 2],
    ['#[meta.zone="z2"].name', 'p)q]r}s'],
    ['#[kind="x"]#.name', ['a.b::c', 'third']],
    ['#[kind="x"]#.meta.zone', ['z1', 'z3']],
    ['#[kind="nothing"]#', []],
    ['#', 3],
    ['2.name', 'third'],
  ])('items.%s', (path, expected) => {
    expect(ok(resolveTemplates(`$(items.${path})`, ctx))).toEqual(expected);
  });

  it('selects all matches as an array of the elements themselves', () => {
    expect(ok(resolveTemplates('$(items.#[kind="x"]#)', ctx))).toEqual([items[0], items[2]]);
  });

  it('indexes nested arrays and counts them', () => {
    expect(ok(resolveTemplates('$(nested.list.0.1)', ctx))).toBe(20);
    expect(ok(resolveTemplates('$(nested.list.1.#)', ctx))).toBe(1);
  });

  it('accepts escaped quotes inside a selector value', () => {
    const quoted = makeContext({ items: [{ name: 'say "hi"', v: 1 }] });
    expect(ok(resolveTemplates('$(items.#[name="say \\"hi\\""].v)', quoted))).toBe(1);
  });

  it('keeps false and null values found', () => {
    expect(ok(resolveTemplates('$(flag)', ctx))).toBe(false);
    expect(ok(resolveTemplates('$(none)', ctx))).toBeNull();
  });
});

describe('types and strings', () => {
  const record = { count: 3, on: true, off: null, tags: { a: 1 }, list: [1, 'x'], text: 'hello' };
  const ctx = makeContext({}, { 'thing::one': record });

  it('keeps the type of a value when the string is exactly one template', () => {
    expect(ok(resolveTemplates('${thing::one.count}', ctx))).toBe(3);
    expect(ok(resolveTemplates('${thing::one.on}', ctx))).toBe(true);
    expect(ok(resolveTemplates('${thing::one.off}', ctx))).toBeNull();
    expect(ok(resolveTemplates('${thing::one.tags}', ctx))).toEqual({ a: 1 });
    expect(ok(resolveTemplates('${thing::one.list}', ctx))).toEqual([1, 'x']);
    expect(ok(resolveTemplates({ n: '${thing::one.count}' }, ctx))).toEqual({ n: 3 });
  });

  it('uses the string form inside a longer string (JSON for objects and lists)', () => {
    expect(ok(resolveTemplates('n=${thing::one.count}', ctx))).toBe('n=3');
    expect(ok(resolveTemplates('on=${thing::one.on} off=${thing::one.off}', ctx))).toBe('on=true off=null');
    expect(ok(resolveTemplates('tags ${thing::one.tags}', ctx))).toBe('tags {"a":1}');
    expect(ok(resolveTemplates('${thing::one.list}!', ctx))).toBe('[1,"x"]!');
  });

  it('replaces several templates in one string, mixing both syntaxes', () => {
    const mixed = makeContext({ id: 'b1' }, { 'thing::one': record });
    expect(ok(resolveTemplates('${thing::one.text}, ${thing::one.text}! build $(id)', mixed))).toBe(
      'hello, hello! build b1',
    );
  });

  it('reads a dotted field path and list indexes of a component', () => {
    const fw = { rules: { ingress: [{ ip: '0.0.0.0/0' }] } };
    const c = makeContext({}, { 'firewall::web': fw });
    expect(ok(resolveTemplates('${firewall::web.rules.ingress.0.ip}', c))).toBe('0.0.0.0/0');
    expect(ok(resolveTemplates('${firewall::web.rules.ingress.#}', c))).toBe(1);
  });
});

describe('recursive templates', () => {
  it('resolves a value that is itself a template, in strings and inside objects', () => {
    const ctx = makeContext(
      {},
      {
        a: { x: '${b.y}', obj: { inner: 'v=${b.y}' } },
        b: { y: '${c.z}' },
        c: { z: 42 },
      },
    );
    expect(ok(resolveTemplates('${a.x}', ctx))).toBe(42);
    expect(ok(resolveTemplates('${a.obj}', ctx))).toEqual({ inner: 'v=42' });
  });

  it('allows MAX_TEMPLATE_DEPTH nested templates and stops one further', () => {
    const records: Record<string, Rec> = {};
    for (let i = 0; i < MAX_TEMPLATE_DEPTH; i++) records[`n${i}`] = { v: `\${n${i + 1}.v}` };
    records[`n${MAX_TEMPLATE_DEPTH}`] = { v: 'end' };
    const ctx = makeContext({}, records);
    // ${n1.v} starts a chain of MAX_TEMPLATE_DEPTH templates; ${n0.v} one more
    expect(ok(resolveTemplates('${n1.v}', ctx))).toBe('end');
    expect(err(resolveTemplates('${n0.v}', ctx))).toMatch(
      /^template \$\{n0\.v\} \(via .*\): templates nested more/,
    );
  });

  it('ends a self-referencing loop with an error naming the template', () => {
    const ctx = makeContext(
      {},
      { loop: { self: '${loop.self}' }, ping: { p: 'x ${pong.q}' }, pong: { q: '${ping.p}' } },
    );
    const self = err(resolveTemplates({ a: '${loop.self}' }, ctx));
    expect(self.startsWith('template ${loop.self} (via ${loop.self} → ')).toBe(true);
    expect(self).toContain(`templates nested more than ${MAX_TEMPLATE_DEPTH} deep (a cycle?)`);
    expect(err(resolveTemplates('${ping.p}', ctx))).toMatch(/^template \$\{ping\.p\} \(via \$\{pong\.q\} → /);
  });

  it('names the outer template and the chain when a nested template fails', () => {
    const ctx = makeContext({}, { a: { x: '${b.missing}' }, b: {} });
    expect(err(resolveTemplates('${a.x}', ctx))).toBe(
      'template ${a.x} (via ${b.missing}): component b has no field "missing"',
    );
  });
});

describe('component ids containing dots', () => {
  const ctx = makeContext(
    {},
    {
      'a.b::c.d': { field: 'long', e: { f: 'nested' } },
      'a.b::c': { d: { field: 'short' }, e: 'short-e' },
    },
  );

  it('takes the longest known prefix as the id', () => {
    expect(ok(resolveTemplates('${a.b::c.d.field}', ctx))).toBe('long');
    expect(ok(resolveTemplates('${a.b::c.d.e.f}', ctx))).toBe('nested');
    expect(ok(resolveTemplates('${a.b::c.e}', ctx))).toBe('short-e');
  });

  it('lists the same split', () => {
    const refs = listTemplateRefs({ x: '${a.b::c.d.field}', y: '${a.b::c.e}' }, ctx.knownIds);
    expect(refs.map((r) => [r.componentId, r.field])).toEqual([
      ['a.b::c.d', 'field'],
      ['a.b::c', 'e'],
    ]);
  });
});

describe('errors name the template', () => {
  const ctx = makeContext(
    { items: [{ name: 'a' }], id: 'b1' },
    { 'vpc::shop': { name: 'shop', list: [1, 2], n: 5 }, 'ghost::x': { a: 1 } },
  );
  // a context whose knownIds has an id that component() does not know
  const ghostless: TemplateContext = {
    ...ctx,
    component: (id) => (id === 'ghost::x' ? undefined : ctx.component(id)),
  };

  it.each([
    ['${vpc::shop.vpc_id}', 'template ${vpc::shop.vpc_id}: component vpc::shop has no field "vpc_id"'],
    [
      '${nope::x.y}',
      'template ${nope::x.y}: unknown component: no known component id is a prefix of "nope::x.y"',
    ],
    [
      '${vpc::shop}',
      'template ${vpc::shop}: names component vpc::shop but no field (write ${vpc::shop.<field>})',
    ],
    [
      '${vpc::shop.list.5}',
      'template ${vpc::shop.list.5}: list of component vpc::shop has no element 5 (length 2)',
    ],
    [
      '${vpc::shop.list.x}',
      'template ${vpc::shop.list.x}: list of component vpc::shop is an array: "x" must be an index, # or #[…]',
    ],
    [
      '${vpc::shop.n.x}',
      'template ${vpc::shop.n.x}: n of component vpc::shop is a number, not an object: cannot read "x"',
    ],
    [
      '${vpc::shop.constructor}',
      'template ${vpc::shop.constructor}: component vpc::shop has no field "constructor"',
    ],
    [
      '${vpc::shop.__proto__}',
      'template ${vpc::shop.__proto__}: component vpc::shop has no field "__proto__"',
    ],
    ['${vpc::shop.name..x}', 'template ${vpc::shop.name..x}: empty segment in path "name..x"'],
    ['$(nothing.here)', 'template $(nothing.here): the build has no field "nothing"'],
    [
      '$(components.#[_component_id="vpc::none"].x)',
      'template $(components.#[_component_id="vpc::none"].x): no element of components has _component_id "vpc::none"',
    ],
    ['$(items.#[name="zzz"].x)', 'template $(items.#[name="zzz"].x): no element of items has name "zzz"'],
    ['$(items.#[name="a"].x)', 'template $(items.#[name="a"].x): items.#[name="a"] has no field "x"'],
    ['$(items.#[name="a"]#.x)', 'template $(items.#[name="a"]#.x): items.#[name="a"]#[0] has no field "x"'],
    [
      '$(items.#[name=a].x)',
      'template $(items.#[name=a].x): bad selector "#[name=a]" in path "items.#[name=a].x": expected #[field="value"] or #[field="value"]#',
    ],
    [
      '$(items.#[name="a"]x)',
      'template $(items.#[name="a"]x): bad selector "#[name="a"]x" in path "items.#[name="a"]x": expected #[field="value"] or #[field="value"]#',
    ],
    [
      '$(items.#x)',
      'template $(items.#x): bad selector "#x" in path "items.#x": expected #[field="value"] or #[field="value"]#',
    ],
    ['$(id.#)', 'template $(id.#): id is a string, not an array: cannot count it with #'],
    ['$(id.#[a="b"])', 'template $(id.#[a="b"]): id is a string, not an array: cannot apply #[a="b"]'],
    ['$(#)', 'template $(#): a path must start with a field name, not "#"'],
    ['$()', 'template $(): empty template'],
    ['${}', 'template ${}: empty template'],
    ['$(items', 'template $(items: unterminated (no closing ")")'],
    ['x ${vpc::shop.name', 'template ${vpc::shop.name: unterminated (no closing "}")'],
    ['$(items.#[name="a)', 'template $(items.#[name="a): unterminated (no closing ")")'],
  ])('%s', (template, message) => {
    expect(err(resolveTemplates(template, ctx))).toBe(message);
  });

  it('reports an id the context does not know', () => {
    expect(err(resolveTemplates('${ghost::x.a}', ghostless))).toBe(
      'template ${ghost::x.a}: unknown component ghost::x',
    );
  });

  it('reports an error deep inside a value and returns no partial result', () => {
    const result = resolveTemplates({ ok: '${vpc::shop.name}', list: [{ bad: '$(items.0.nope)' }] }, ctx);
    expect(result).toEqual({ ok: false, error: 'template $(items.0.nope): items.0 has no field "nope"' });
  });

  it('fails an unterminated template even after a good one in the same string', () => {
    expect(err(resolveTemplates('${vpc::shop.name} and $(id', ctx))).toBe(
      'template $(id: unterminated (no closing ")")',
    );
  });

  it('does not throw on values nested too deep for the stack', () => {
    let deep: unknown = '${vpc::shop.name}';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const result = resolveTemplates(deep, ctx);
    expect(result.ok).toBe(false);
    expect(hasTemplates(deep)).toBe(true);
  });
});

describe('hasTemplates', () => {
  it('finds templates of either syntax anywhere', () => {
    expect(hasTemplates({ a: [{ b: 'x $(y)' }] })).toBe(true);
    expect(hasTemplates(['${a.b}'])).toBe(true);
    expect(hasTemplates('$(')).toBe(true);
  });

  it('says no when no string holds $( or ${', () => {
    expect(hasTemplates({ a: ['$5', '(x)', '{y}', '$ (z)', 1, null, true], b: { c: '$' } })).toBe(false);
    expect(hasTemplates(42)).toBe(false);
  });
});

describe('listTemplateRefs', () => {
  const known = new Set(['vpc::shop', 'credentials::sim']);

  it('lists each template with its syntax, ids and path', () => {
    const value = {
      region: '$(components.#[_component_id="credentials::sim"].region)',
      rules: { ingress: [{ ip: '${vpc::shop.cidr}' }, { ip: 'x ${vpc::shop.a.b} y ${other::x.y}' }] },
      'odd key': ['$(changes.#[_component_id=\'vpc::shop\']#.#[_component_id="credentials::sim"].x)'],
      plain: 'nothing here',
    };
    expect(listTemplateRefs(value, known)).toEqual([
      {
        raw: '$(components.#[_component_id="credentials::sim"].region)',
        syntax: 'paren',
        selectedIds: ['credentials::sim'],
        path: '.region',
      },
      {
        raw: '${vpc::shop.cidr}',
        syntax: 'brace',
        componentId: 'vpc::shop',
        field: 'cidr',
        selectedIds: [],
        path: '.rules.ingress[0].ip',
      },
      {
        raw: '${vpc::shop.a.b}',
        syntax: 'brace',
        componentId: 'vpc::shop',
        field: 'a.b',
        selectedIds: [],
        path: '.rules.ingress[1].ip',
      },
      {
        raw: '${other::x.y}',
        syntax: 'brace',
        componentId: undefined,
        field: undefined,
        selectedIds: [],
        path: '.rules.ingress[1].ip',
      },
      {
        raw: '$(changes.#[_component_id=\'vpc::shop\']#.#[_component_id="credentials::sim"].x)',
        syntax: 'paren',
        selectedIds: ['vpc::shop', 'credentials::sim'],
        path: '["odd key"][0]',
      },
    ]);
  });

  it('gives path "" for a top-level string and lists a bare id with an empty field', () => {
    expect(listTemplateRefs('${vpc::shop}', known)).toEqual([
      {
        raw: '${vpc::shop}',
        syntax: 'brace',
        componentId: 'vpc::shop',
        field: '',
        selectedIds: [],
        path: '',
      },
    ]);
  });

  it('ignores selectors on other fields and lists a malformed path with no ids', () => {
    const refs = listTemplateRefs(['$(components.#[name="vpc::shop"].x)', '$(items.#[bad])'], known);
    expect(refs.map((r) => r.selectedIds)).toEqual([[], []]);
    expect(refs.map((r) => r.raw)).toEqual(['$(components.#[name="vpc::shop"].x)', '$(items.#[bad])']);
  });

  it('stops at an unterminated template, keeping the ones before it', () => {
    expect(listTemplateRefs('${vpc::shop.a} $(id ${vpc::shop.b}', known).map((r) => r.raw)).toEqual([
      '${vpc::shop.a}',
    ]);
  });
});

describe('properties', () => {
  const noTemplate = fc.string().filter((s) => !s.includes('$(') && !s.includes('${'));
  const templateish = fc
    .array(
      fc.constantFrom(
        '$',
        '(',
        ')',
        '{',
        '}',
        '[',
        ']',
        '#',
        '.',
        '"',
        "'",
        '\\',
        '=',
        'a',
        'vpc::shop',
        '0',
        ' ',
      ),
      { maxLength: 30 },
    )
    .map((parts) => parts.join(''));

  it('returns a string without $( or ${ unchanged', () => {
    fc.assert(
      fc.property(noTemplate, (s) => {
        const result = resolveTemplates(s, shopCtx);
        return result.ok && result.value === s && !hasTemplates(s);
      }),
    );
  });

  it('returns any JSON value without templates as the same reference', () => {
    const json = fc
      .jsonValue()
      .filter((v) => !JSON.stringify(v).includes('$(') && !JSON.stringify(v).includes('${'));
    fc.assert(
      fc.property(json, (v) => {
        const result = resolveTemplates(v, shopCtx);
        return result.ok && result.value === v;
      }),
    );
  });

  it('never throws on arbitrary strings, and every error names a template', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), templateish), (s) => {
        const result = resolveTemplates(s, shopCtx);
        return result.ok || result.error.startsWith('template $');
      }),
      { numRuns: 2000 },
    );
  });

  it('lists only templates that appear in the string', () => {
    fc.assert(
      fc.property(templateish, (s) => listTemplateRefs(s, shopCtx.knownIds).every((r) => s.includes(r.raw))),
      { numRuns: 1000 },
    );
  });
});
