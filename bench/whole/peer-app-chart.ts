// Fair peer (b): raw cdk8s-plus-28, one Chart per app and environment, each
// in its own App (as a user rendering folder by folder would: a chart's
// toJson() resolves and validates its whole App, so charts sharing one App
// make every toJson() walk all of them, charts² in all); each chart's
// toJson() is written to its folder, one file per object, with cdk8s's own
// Yaml.stringify.
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { App, Chart, ENVIRONMENTS, addApp, appName, args } from './_objects';

const { apps, outdir } = args();
for (const env of ENVIRONMENTS) {
  for (let i = 0; i < apps; i++) {
    const chart = new Chart(new App({ outdir }), `${env.name}-${appName(i)}`, { namespace: env.namespace, disableResourceNameHashes: true });
    addApp(chart, i, env);
    const dir = path.join(outdir, env.name, appName(i));
    fs.mkdirSync(dir, { recursive: true });
    for (const json of chart.toJson()) {
      fs.writeFileSync(path.join(dir, `${json.kind.toLowerCase()}-${json.metadata.name}.yaml`), Yaml.stringify(json));
    }
  }
}
