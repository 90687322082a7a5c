import * as path from 'path';
import { AppChart, Environment, GitOpsApp, GitOpsAppProps, ImagePins, WebService } from '.';

/**
 * The example app: the seeds' hello-world web server (examples/hello) in dev
 * (1 replica) and prod (2 replicas). Image tags live in images.yaml, edited by
 * `cdk8s-gitops set-image` and `promote`.
 */
export function exampleApp(props: GitOpsAppProps = {}): GitOpsApp {
  const pins = ImagePins.load(path.join(__dirname, '..', 'images.yaml'));
  const app = new GitOpsApp({ pins, ...props });

  for (const env of [
    new Environment(app, 'dev', { namespace: 'hello-dev', replicas: 1 }),
    new Environment(app, 'prod', { namespace: 'hello-prod', replicas: 2 }),
  ]) {
    const hello = new AppChart(env, 'hello');
    new WebService(hello, 'web', { port: 8080 }); // image: the pin in images.yaml
  }
  return app;
}

if (require.main === module) {
  exampleApp().synth();
}
