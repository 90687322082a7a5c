import * as fs from 'fs';
import * as path from 'path';

// House rules of src/ (DESIGN.md "Layers"): public barrels complete, the CLI
// only on public entry points, the library silent. Import cycles are checked
// by dpdm in the test task.
const SRC = path.resolve(__dirname, '..', 'src');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}
const rel = (p: string) => path.relative(SRC, p).split(path.sep).join('/');
const isPrivate = (p: string) => path.basename(p).startsWith('_');
const importsOf = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/(?:from|require\(|import\()\s*'(\.[^']*)'/g)].map(m => m[1]);

describe('src/ layout', () => {
  test('GIVEN every public library file WHEN reading src/index.ts THEN it re-exports each one', () => {
    // GIVEN the public files of the library (not the CLI, the example, private `_` files or version.ts)
    const publicFiles = tsFiles(SRC)
      .filter(f => !isPrivate(f) && !rel(f).startsWith('cli/') && !['index.ts', 'main.ts', 'version.ts'].includes(rel(f)))
      .filter(f => !/^\/\*\*\s*\n\s*\* @deprecated/.test(fs.readFileSync(f, 'utf8'))); // a moved file's re-export shim
    // WHEN reading the barrel (a folder's own index.ts stands for its files)
    const reexports = (file: string) => new Set([...fs.readFileSync(file, 'utf8').matchAll(/export \* from '\.\/([^']+)'/g)].map(m => m[1]));
    const exported = reexports(path.join(SRC, 'index.ts'));
    const covered = (f: string) => {
      const mod = rel(f).replace(/\.ts$/, '');
      if (exported.has(mod) || exported.has(mod.replace(/\/index$/, ''))) return true;
      // A folder with its own index.ts (validate/rules) is one module: its index is its entry point.
      return fs.existsSync(path.join(path.dirname(f), 'index.ts')) && exported.has(rel(path.dirname(f)));
    };
    // THEN nothing public is left out
    expect(publicFiles.filter(f => !covered(f)).map(rel)).toEqual([]);
  });

  test('GIVEN every construct file WHEN reading src/constructs/index.ts THEN it re-exports each one', () => {
    const dir = path.join(SRC, 'constructs');
    const files = fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !f.startsWith('_') && f !== 'index.ts').map(f => f.replace(/\.ts$/, ''));
    const barrel = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
    expect(files.filter(f => !barrel.includes(`export * from './${f}';`))).toEqual([]);
  });

  test('GIVEN the CLI WHEN listing what it imports from the library THEN no private `_` file of another module', () => {
    const offending: string[] = [];
    for (const file of tsFiles(path.join(SRC, 'cli'))) {
      for (const spec of importsOf(file)) {
        const target = path.resolve(path.dirname(file), spec);
        if (!rel(target).startsWith('cli/') && isPrivate(target)) offending.push(`${rel(file)} -> ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  test('GIVEN the library (everything but the CLI and the example) THEN it never prints or exits', () => {
    const offending = tsFiles(SRC)
      // init/_templates.ts holds a user's main.ts as text, which may print.
      .filter(f => !rel(f).startsWith('cli/') && !['main.ts', 'init/_templates.ts'].includes(rel(f)))
      .filter(f => /\bconsole\.|process\.exit\b|process\.(stdout|stderr)\.write/.test(fs.readFileSync(f, 'utf8')))
      .map(rel);
    expect(offending).toEqual([]);
  });
});
