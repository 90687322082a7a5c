// Fair peer (a): raw cdk8s-plus-28, one Chart per environment; every object
// is written to its app's folder (<env>/<app>/<kind>-<name>.yaml) with cdk8s's
// own Yaml.stringify, as a user splitting a chart into folders would.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Yaml } from 'cdk8s';
import { App, Chart, ENVIRONMENTS, addApp, appName, args } from './_objects';

const { apps, outdir } = args();
const app = new App({ outdir });
const made = new Set<string>();
for (const env of ENVIRONMENTS) {
  const chart = new Chart(app, env.name, { namespace: env.namespace, disableResourceNameHashes: true });
  for (let i = 0; i < apps; i++) addApp(chart, i, env, `${appName(i)}-`);
  for (const obj of chart.node.findAll()) {
    if (!ApiObject.isApiObject(obj)) continue;
    const json = obj.toJson();
    const dir = path.join(outdir, env.name, json.metadata.name);
    if (!made.has(dir)) {
      fs.mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    fs.writeFileSync(path.join(dir, `${json.kind.toLowerCase()}-${json.metadata.name}.yaml`), Yaml.stringify(json));
  }
}
