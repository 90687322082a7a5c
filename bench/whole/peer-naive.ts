// Naive peer (c): raw cdk8s-plus-28, one Chart per app and environment in one
// App, written by app.synth() with the default file-per-chart output. Its cost
// grows with charts² (cdk8s resolves dependencies across all charts).
import { App, Chart, ENVIRONMENTS, addApp, appName, args } from './_objects';

const { apps, outdir } = args();
const app = new App({ outdir });
for (const env of ENVIRONMENTS) {
  for (let i = 0; i < apps; i++) addApp(new Chart(app, `${env.name}-${appName(i)}`, { namespace: env.namespace, disableResourceNameHashes: true }), i, env);
}
app.synth();
