import * as fs from 'fs';
import * as path from 'path';
// Only the modules the app uses, not the '.' barrel (publish, migrate, ...):
// `cdk8s synth` transpiles every file it loads.
import { AppChart } from './constructs/app-chart';
import { ArgoCd } from './constructs/argo-cd';
import { Environment } from './constructs/environment';
import { GitOpsApp, GitOpsAppProps } from './constructs/gitops-app';
import { WebService } from './constructs/web-service';
import { ImagePins } from './pins/image-pins';
import { validationGate } from './validate/gate';

/**
 * The example app: the seeds' hello-world web server (examples/hello) in dev
 * (1 replica) and prod (2 replicas). Image tags live in images.yaml, edited by
 * `cdk8s-gitops set-image` and `promote`. Argo CD syncs both from the
 * rendered branch (dist/argocd/: an AppProject per environment, an
 * Application per app).
 */
export function exampleApp(props: GitOpsAppProps = {}): GitOpsApp {
  const pins = ImagePins.load(path.join(__dirname, '..', 'images.yaml'));
  // The validation gate (schemas, YAML safety, policy) runs before dist/ is
  // replaced: a violation fails `cdk8s synth` and writes nothing.
  const app = new GitOpsApp({ pins, gates: [validationGate()], ...props });

  for (const env of [
    new Environment(app, 'dev', { namespace: 'hello-dev', replicas: 1 }),
    new Environment(app, 'prod', { namespace: 'hello-prod', replicas: 2 }),
  ]) {
    const hello = new AppChart(env, 'hello');
    new WebService(hello, 'web', { port: 8080 }); // image: the pin in images.yaml
  }
  // Created after the apps: it finds every AppChart.
  new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/hello-config.git' });
  return app;
}

if (require.main === module) {
  const app = exampleApp();
  app.synth();
  // The root "app of apps", applied once by a person (docs/argocd.md). It lives
  // outside dist/ so the root app never manages itself.
  const bootstrap = path.join(__dirname, '..', 'bootstrap', 'root-application.yaml');
  fs.mkdirSync(path.dirname(bootstrap), { recursive: true });
  fs.writeFileSync(bootstrap, (app.node.findChild('argocd') as ArgoCd).bootstrapManifest());
}
