import { SHA_A, SHA_B } from './harness';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp, GitOpsAppProps } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ValidationError } from '../../src/errors';
import { ImagePins } from '../../src/pins/image-pins';

const PINS = `hello:
  dev: ghcr.io/example/hello:${SHA_A}
  prod: ghcr.io/example/hello:${SHA_B}
  qa: ghcr.io/example/hello:${SHA_B}
gone:
  dev: ghcr.io/example/gone:${SHA_A}
shop:
  dev:
    shop: ghcr.io/example/shop:${SHA_A}
    worker: ghcr.io/example/shop-worker:${SHA_A}
`;

/** hello in dev and prod, shop in dev: the code the pins above were written for, minus what was removed. */
function build(props: GitOpsAppProps = {}): GitOpsApp {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written', pins: ImagePins.parse(PINS, 'images.yaml'), ...props });
  for (const name of ['dev', 'prod']) {
    const env = new Environment(app, name, { namespace: `hello-${name}` });
    new WebService(new AppChart(env, 'hello'), 'web', {});
  }
  new WebService(new AppChart(app.node.findChild('dev') as Environment, 'shop'), 'web', {});
  return app;
}

describe('pins hygiene at synth', () => {
  test('GIVEN pins for an app, an environment and an image the code no longer has WHEN rendered THEN synth fails naming each, with the fix', () => {
    let error: unknown;
    try {
      build().render();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message.split('\n')).toEqual([
      '[images.yaml:4] \'hello.qa\' pins app "hello" in environment "qa", which the code does not define: remove it from images.yaml',
      '[images.yaml:6] \'gone.dev\' pins app "gone", which the code does not define: remove it from images.yaml',
      '[images.yaml:10] \'shop.dev.worker\' pins image "worker", which no workload of app "shop" in environment "dev" uses: remove it from images.yaml',
    ]);
  });

  test('GIVEN allowUnusedPins WHEN rendered THEN the used pins render and the stale ones are ignored', () => {
    const tree = build({ allowUnusedPins: true }).render();
    expect([...tree.keys()].filter(f => f.endsWith('kustomization.yaml')).sort()).toEqual([
      'dev/hello/kustomization.yaml', 'dev/shop/kustomization.yaml', 'prod/hello/kustomization.yaml',
    ]);
  });

  test('GIVEN a lookup of a named image THEN that pin counts as used', () => {
    const app = build();
    app.pinFor('shop', 'dev', 'worker');
    expect(app.pinFor('shop', 'dev', 'worker')?.repository).toBe('ghcr.io/example/shop-worker');
    expect(() => app.render()).toThrow(/^\[images\.yaml:4\] 'hello\.qa' .*\n\[images\.yaml:6\] 'gone\.dev' [^\n]*$/);
  });
});
