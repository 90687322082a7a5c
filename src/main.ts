import * as fs from 'fs';
import * as path from 'path';
// Only the modules the app uses, not the '.' barrel (publish, migrate, ...):
// `cdk8s synth` transpiles every file it loads.
import { AppChart } from './constructs/app-chart';
import { ArgoCd } from './constructs/argo-cd';
import { Autoscaler } from './constructs/autoscaler';
import { Environment } from './constructs/environment';
import { ExternalSecret, SecretStoreRef } from './constructs/external-secret';
import { GitOpsApp, GitOpsAppProps } from './constructs/gitops-app';
import { HashedConfigMap } from './constructs/hashed-config-map';
import { IngressRoute, RouteTls } from './constructs/ingress-route';
import { MigrationJob } from './constructs/migration-job';
import { NetworkIsolation } from './constructs/network-isolation';
import { HealthCheck } from './constructs/pod-spec';
import { ScheduledJob } from './constructs/scheduled-job';
import { WebService } from './constructs/web-service';
import { Worker } from './constructs/worker';
import { ImagePins } from './pins/image-pins';

/**
 * The example app: the seeds' hello-world web server (examples/hello) in dev
 * (1 replica) and prod (2 replicas; an Ingress with TLS, an autoscaler, a
 * hashed ConfigMap, an ExternalSecret and a default-deny namespace), with a
 * queue worker, a nightly job and a database migration run before each sync,
 * all from the same image. Image tags live in images.yaml, edited by
 * `cdk8s-gitops set-image` and `promote`. Argo CD syncs both from the
 * rendered branch (dist/argocd/: an AppProject per environment, an
 * Application per app).
 */
export function exampleApp(props: GitOpsAppProps = {}): GitOpsApp {
  const pins = ImagePins.load(path.join(__dirname, '..', 'images.yaml'));
  // The validation gate (schemas, YAML safety, policy) is on by default and
  // runs before dist/ is replaced: a violation fails `cdk8s synth` and writes nothing.
  const app = new GitOpsApp({ pins, ...props });

  for (const env of [
    new Environment(app, 'dev', { namespace: 'hello-dev', replicas: 1 }),
    new Environment(app, 'prod', { namespace: 'hello-prod', replicas: 2 }),
  ]) {
    const hello = new AppChart(env, 'hello');
    // Every image: the pin in images.yaml.
    const web = new WebService(hello, 'web', { port: 8080 });
    new Worker(hello, 'worker', {
      args: ['task.js', 'worker'],
      healthCheck: HealthCheck.exec(['/nodejs/bin/node', 'task.js', 'check']),
    });
    new ScheduledJob(hello, 'nightly', { name: 'hello-nightly', schedule: '0 3 * * *', args: ['task.js', 'nightly'] });
    new MigrationJob(hello, 'migrate', { args: ['task.js', 'migrate'] });
    if (env.envName !== 'prod') continue;
    // prod: a public host with TLS (cert-manager), autoscaling, config that
    // rolls the pods when it changes, a secret from the secret manager, and a
    // namespace that denies all ingress but the ingress controller's.
    new IngressRoute(hello, 'public', {
      backend: web,
      hosts: ['hello.example.com'],
      className: 'nginx',
      tls: RouteTls.fromIssuer('letsencrypt', { certificate: true }),
    });
    new Autoscaler(hello, 'scale', { target: web, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70 });
    new HashedConfigMap(hello, 'config', { name: 'hello-config', data: { GREETING: 'Hello World!' } }).envFrom(web);
    new ExternalSecret(hello, 'api-key', {
      store: SecretStoreRef.cluster('vault'),
      data: { API_KEY: { key: 'hello/prod', property: 'api-key' } },
    }).env(web, 'API_KEY', 'API_KEY');
    new NetworkIsolation(env, 'network');
  }
  // Created after the apps: it finds every AppChart.
  new ArgoCd(app, 'argocd', { repoURL: 'https://github.com/example/hello-config.git' });
  return app;
}

if (require.main === module) {
  try {
    const app = exampleApp();
    app.synth();
    // The root "app of apps", applied once by a person (docs/argocd.md). It lives
    // outside dist/ so the root app never manages itself.
    const bootstrap = path.join(__dirname, '..', 'bootstrap', 'root-application.yaml');
    fs.mkdirSync(path.dirname(bootstrap), { recursive: true });
    fs.writeFileSync(bootstrap, (app.node.findChild('argocd') as ArgoCd).bootstrapManifest());
  } catch (e) {
    // One line per problem and exit 2 for bad input (under `cdk8s synth`, through the
    // validation plugin, so the cdk8s CLI prints no stack trace of its own); a stack
    // trace only for a bug or with CDK8S_GITOPS_DEBUG=1.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthFailure } = require('./validate/cdk8s-plugin') as typeof import('./validate/cdk8s-plugin');
    const { text, exitCode } = synthFailure(e);
    process.stderr.write(text);
    process.exitCode = exitCode;
  }
}
