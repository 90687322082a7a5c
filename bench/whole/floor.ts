// Floors: the plain objects this library rendered (a JSON file of
// [path, object] pairs), stringified and written, nothing else:
// `node floor.js yaml|json <objects.json> <outdir>`.
import * as fs from 'fs';
import * as path from 'path';

const [how, input, outdir] = process.argv.slice(2);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stringify: (o: unknown) => string = how === 'yaml' ? require('yaml').stringify : (o: unknown) => JSON.stringify(o, null, 2);
const objects = JSON.parse(fs.readFileSync(input, 'utf8')) as [string, unknown][];
const made = new Set<string>();
for (const [rel, obj] of objects) {
  const file = path.join(outdir, rel);
  const dir = path.dirname(file);
  if (!made.has(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    made.add(dir);
  }
  fs.writeFileSync(file, stringify(obj));
}
