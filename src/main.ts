import * as fs from 'fs';
import { AppChart, ArgoCd, Environment, GitOpsApp, ImageRef, WebService } from '.';

// The example app: the seeds' hello-world web server in dev and prod.
const app = new GitOpsApp();
const image = ImageRef.parse('ghcr.io/example/hello:6f1ed002ab5595859014ebf0951522d9b6c7e8e4');

for (const env of [
  new Environment(app, 'dev', { namespace: 'hello-dev', replicas: 1 }),
  new Environment(app, 'prod', { namespace: 'hello-prod', replicas: 2 }),
]) {
  const hello = new AppChart(env, 'hello');
  new WebService(hello, 'web', { image, port: 8080 });
}

// Argo CD wiring, created after the apps: an AppProject per environment and an
// Application per app, rendered to dist/argocd/.
const argocd = new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/hello-config.git' });

app.synth();

// The root "app of apps", applied once by a person (docs/argocd.md). It lives
// outside dist/ so the root app never manages itself.
fs.mkdirSync('bootstrap', { recursive: true });
fs.writeFileSync('bootstrap/root-application.yaml', argocd.bootstrapManifest());
