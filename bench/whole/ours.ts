// This library: N apps × 2 environments (WebService, Kustomization, Argo CD
// Application and AppProject), rendered, checked by the validation gate and
// written all-or-nothing, as `cdk8s synth` runs the app command.
import { ENVIRONMENTS, appName, args } from './_objects';
import { AppChart, ArgoCd, Environment, GitOpsApp, ImageRef, WebService, validationGate } from '../../src';

const { apps, outdir } = args();
const app = new GitOpsApp({ outdir, gates: [validationGate()] });
for (const e of ENVIRONMENTS) {
  const env = new Environment(app, e.name, { namespace: e.namespace });
  for (let i = 0; i < apps; i++) {
    const chart = new AppChart(env, appName(i));
    new WebService(chart, 'web', { image: ImageRef.parse(`ghcr.io/example/${appName(i)}:2.0.0`), port: 8080, env: { LOG_LEVEL: 'info' } });
  }
}
new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/bench-config.git' });
app.synth();
