import { AppChart, Environment, GitOpsApp, ImageRef, WebService } from '.';

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

app.synth();
