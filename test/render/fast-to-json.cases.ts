import { ApiObject, App, Chart, JsonPatch, Lazy, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppChart, Environment, GatewayHttpRoute, RenderedPatch, SealedSecret, WebService } from '../../src';
import { exampleApp } from '../../src/main';
import { cdk8sRelease, fastToJsonApplies, toJson, withFastToJson } from '../../src/render/_fast-to-json';
import { renderAppDetailed } from '../../src/render/render';
import { teamRepo } from '../constructs/_estate-fixtures';
import { IMAGE } from '../constructs/_fixtures';

const original = ApiObject.prototype.toJson;

/** Every ApiObject under `root`, in tree order. */
function apiObjects(root: Construct): ApiObject[] {
  return root.node.findAll().filter(ApiObject.isApiObject);
}

/** What cdk8s's own `toJson` gives (JSON text: key order included), or the error it throws. */
function viaCdk8s(obj: ApiObject): string {
  try {
    return JSON.stringify(original.call(obj));
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

function viaFast(obj: ApiObject): string {
  try {
    return JSON.stringify(toJson(obj, original));
  } catch (e) {
    return `throws ${(e as Error).message}`;
  }
}

/** A raw ApiObject holding `spec`, in a fresh app. */
function rawObject(spec: unknown, app: App = Testing.app()): ApiObject {
  const chart = new Chart(app, 'c');
  return new ApiObject(chart, 'obj', { apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 'thing' }, spec });
}

describe('the render\'s toJson (cdk8s ApiObject.toJson in one pass)', () => {
  test(`GIVEN the installed cdk8s (${cdk8sRelease()}) THEN it is a release the fast toJson was compared with`, () => {
    // A failure here means cdk8s was upgraded past the compared releases: compare
    // ApiObject.toJson, resolve(), sanitizeValue() and JsonPatch.apply with the
    // new release's, then widen SAME_AS in src/render/_fast-to-json.ts.
    expect(fastToJsonApplies()).toBe(true);
  });

  test.each([
    ['the example app', () => exampleApp({ outdir: '/nonexistent' })],
    ['a team estate on three clusters', () => teamRepo('payments', ['api', 'ledger']).app],
    ['a route, a sealed secret, a managed namespace, resources and a rendered patch', () => {
      const app = exampleApp({ outdir: '/nonexistent' });
      const env = new Environment(app, 'extra', { namespace: 'extra-ns', namespacePolicy: {}, resources: { cpuRequest: '250m', memoryLimit: '1Gi' } });
      const chart = new AppChart(env, 'shop');
      const web = new WebService(chart, 'web', { image: IMAGE, port: 8080 });
      new GatewayHttpRoute(chart, 'route', { backend: web, hostnames: ['shop.example.com'], gateway: { name: 'public', namespace: 'gateways' } });
      new SealedSecret(chart, 'creds', { encryptedData: { token: 'AgBy3i4OJSWK+PiTySYZZA==' } });
      RenderedPatch.of(web.deployment).add('/spec/template/metadata/annotations/example.com~1note', 'patched');
      return app;
    }],
  ])('GIVEN %s WHEN each object is rendered THEN the JSON equals cdk8s\'s, key order included', (_, make) => {
    // GIVEN
    const app = make();
    const objects = apiObjects(app);
    // WHEN
    const fast = objects.map(viaFast);
    // THEN
    expect(objects.length).toBeGreaterThan(8);
    expect(fast).toEqual(objects.map(viaCdk8s));
    expect(fast.some(j => j.startsWith('throws'))).toBe(false);
  });

  test.each([
    ['a Lazy, producing another Lazy', { a: Lazy.any({ produce: () => Lazy.any({ produce: () => ({ z: 1, a: [2, null] }) }) }) }],
    ['an implicit token (an object with resolve())', { a: { resolve: () => ({ b: 'c', a: undefined }) }, b: [{ resolve: () => null }] }],
    ['number-or-string unions', { port: kplus.k8s.IntOrString.fromNumber(8080), cpu: kplus.k8s.Quantity.fromString('250m'), raw: { value: 3 } }],
    ['unsorted keys, digits first, nulls and undefineds', { zeta: 1, 10: 'ten', 9: 'nine', alpha: null, beta: undefined, list: [undefined, null, 0, '', false] }],
    ['an array with a hole', { list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['a "__proto__" key', JSON.parse('{"b":1,"__proto__":{"x":1},"a":2}')],
    ['an object of another class', { when: new Date(0) }],
    ['an object without a prototype', { bare: Object.assign(Object.create(null), { a: 1 }) }],
    ['a function', { f: () => 1 }],
    ['deep nesting', { a: { b: { c: { d: [{ e: { f: 'g' } }] } } } }],
  ])('GIVEN a spec with %s WHEN rendered THEN the result (or the error) is cdk8s\'s', (_, spec) => {
    // GIVEN two objects alike: toJson produces each Lazy again
    const a = rawObject(spec);
    const b = rawObject(spec);
    // WHEN
    const fast = viaFast(a);
    // THEN
    expect(fast).toEqual(viaCdk8s(b));
  });

  test('GIVEN Lazy values THEN they are produced in the order cdk8s produces them', () => {
    // GIVEN
    const order: string[] = [];
    const lazy = (name: string, value: unknown = name) => Lazy.any({ produce: () => (order.push(name), value) });
    const spec = { z: lazy('z'), a: lazy('a', { y: lazy('a.y'), b: lazy('a.b') }), m: [lazy('m0'), lazy('m1')] };
    // WHEN
    original.call(rawObject(spec));
    const cdk8sOrder = order.splice(0);
    toJson(rawObject(spec), original);
    // THEN
    expect(order).toEqual(cdk8sOrder);
    expect(order).toEqual(['z', 'a', 'a.y', 'a.b', 'm0', 'm1']);
  });

  test('GIVEN JSON patches, one that fails THEN the result and the error name the construct as cdk8s does', () => {
    // GIVEN
    const ok = rawObject({ a: 1 });
    ok.addJsonPatch(JsonPatch.add('/spec/b', { c: 2 }), JsonPatch.remove('/spec/a'));
    const bad = rawObject({ a: 1 });
    bad.addJsonPatch(JsonPatch.replace('/spec/missing/deep', 1));
    // THEN
    expect(viaFast(ok)).toBe('{"apiVersion":"example.com/v1","kind":"Thing","metadata":{"name":"thing"},"spec":{"b":{"c":2}}}');
    expect(viaFast(bad)).toBe(viaCdk8s(bad));
    expect(viaFast(bad)).toMatch(/^throws Failed serializing construct at path 'c\/obj' with name 'thing': /);
  });

  test('GIVEN CDK8S_DISABLE_SORT THEN keys keep their order, as with cdk8s', () => {
    // GIVEN
    const obj = rawObject({ z: 1, a: { y: 2, b: 3 } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      // THEN
      expect(viaFast(obj)).toBe(viaCdk8s(obj));
      expect(viaFast(obj)).toContain('"spec":{"z":1,"a":{"y":2,"b":3}}');
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('GIVEN an App with a resolver of its own THEN cdk8s renders the object (and runs the resolver)', () => {
    // GIVEN
    const seen: string[] = [];
    const app = new App({ resolvers: [{ resolve: ctx => { if (ctx.value === 'secret') { seen.push(ctx.key.join('.')); ctx.replaceValue('***'); } } }] });
    const obj = rawObject({ token: 'secret' }, app);
    // WHEN
    const json = toJson(obj, original);
    // THEN
    expect(json.spec).toEqual({ token: '***' });
    expect(seen).toEqual(['spec.token']);
  });

  test('GIVEN a render THEN cdk8s\'s toJson is replaced only while a chart renders, and put back after a return or a throw', () => {
    // GIVEN
    const app = exampleApp({ outdir: '/nonexistent' });
    const chart = app.node.findAll().find(AppChart.isAppChart)!;
    let whileRendering: unknown;
    new ApiObject(chart, 'probe', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'probe' },
      data: Lazy.any({ produce: () => (whileRendering = ApiObject.prototype.toJson, { a: 'b' }) }),
    });
    // WHEN
    let during: unknown;
    renderAppDetailed(app, { onChart: () => void (during ??= ApiObject.prototype.toJson) });
    expect(() => withFastToJson(() => {
      throw new Error('boom');
    })).toThrow('boom');
    // THEN
    expect(whileRendering).not.toBe(original);
    expect(ApiObject.prototype.toJson).toBe(original);
    expect(during).toBe(original);
    expect(withFastToJson(() => ApiObject.prototype.toJson)).not.toBe(original);
    expect(withFastToJson(() => withFastToJson(() => ApiObject.prototype.toJson))).not.toBe(original);
  });
});
