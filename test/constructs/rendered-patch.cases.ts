import { ApiObject, JsonPatch } from 'cdk8s';
import { parse } from 'yaml';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { RenderedPatch } from '../../src/constructs/rendered-patch';
import { WebService } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';
import { validationGate } from '../../src/validate/gate';

function shop(app = new GitOpsApp()): { app: GitOpsApp; web: WebService } {
  const web = new WebService(new AppChart(new Environment(app, 'dev'), 'shop'), 'web', { image: ImageRef.parse('ghcr.io/acme/shop:1.2.3') });
  return { app, web };
}
const service = (files: Record<string, string>) => parse(files['dev/shop/service-shop.yaml']);

describe('RenderedPatch', () => {
  test('GIVEN a field cdk8s-plus-28 does not know WHEN added with a rendered patch THEN it reaches the YAML', () => {
    const { app, web } = shop();
    RenderedPatch.of(web.service).add('/spec/trafficDistribution', 'PreferClose');
    expect(service(renderFiles(app)).spec.trafficDistribution).toBe('PreferClose');
  });

  test('GIVEN the same field WHEN added with cdk8s addJsonPatch on the cdk8s-plus object THEN it is dropped (why RenderedPatch exists)', () => {
    const { app, web } = shop();
    ApiObject.of(web.service).addJsonPatch(JsonPatch.add('/spec/trafficDistribution', 'PreferClose'));
    expect(service(renderFiles(app)).spec).not.toHaveProperty('trafficDistribution');
  });

  test('GIVEN several patches THEN they apply in order, after everything else', () => {
    const { app, web } = shop();
    RenderedPatch.of(web.service).add('/metadata/annotations', { a: '1' }).replace('/metadata/annotations/a', '2').add('/metadata/annotations/b', '3').remove('/metadata/annotations/b');
    expect(service(renderFiles(app)).metadata.annotations).toEqual({ a: '2' });
  });

  test('GIVEN a patch that does not apply THEN synth fails naming the object path and the patch', () => {
    const { app, web } = shop();
    RenderedPatch.of(web.service).replace('/spec/nope', 1);
    RenderedPatch.of(web.service).add('/spec/missing/child', 1);
    expect(() => renderFiles(app)).toThrow(new RegExp([
      String.raw`\[[^\]]*shop/web[^\]]*\] 'RenderedPatch' does not apply: /spec/nope does not exist in the rendered object \(got \{"op":"replace","path":"/spec/nope","value":1\}\)`,
      String.raw`\[[^\]]*shop/web[^\]]*\] 'RenderedPatch' does not apply: the parent of /spec/missing/child does not exist in the rendered object`,
    ].join('\n')));
  });

  test('GIVEN the gate for Kubernetes 1.28 WHEN a 1.31 field is patched in THEN the gate refuses it as unknown; the default (newest) accepts it', () => {
    const old = shop(new GitOpsApp({ gates: [validationGate({ kubernetesVersion: '1.28' })] }));
    RenderedPatch.of(old.web.service).add('/spec/trafficDistribution', 'PreferClose');
    expect(() => renderFiles(old.app)).toThrow(/spec\.trafficDistribution.*unknown field/);
    const current = shop(new GitOpsApp({ gates: [validationGate()] }));
    RenderedPatch.of(current.web.service).add('/spec/trafficDistribution', 'PreferClose');
    expect(service(renderFiles(current.app)).spec.trafficDistribution).toBe('PreferClose');
  });
});
