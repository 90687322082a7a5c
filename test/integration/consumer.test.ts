import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { hasTool, tmpDir } from '../support/tools';

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

/**
 * A user's repo: `npm pack` this package, install the tarball into a fresh
 * TypeScript project, compile a file that imports WebService, and synthesize.
 */
const describeWithNpm = hasTool('npm', ['--version']) ? describe : describe.skip;

describeWithNpm('the npm package, installed into a consumer project', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ dir, cleanup } = tmpDir('cdk8s-gitops-consumer-'));
    if (!fs.existsSync(path.join(ROOT, 'lib', 'src', 'index.js'))) {
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' });
    }
  });
  afterAll(() => cleanup());

  test('GIVEN the packed tarball WHEN a consumer compiles and runs an app using WebService THEN it synthesizes the tree', () => {
    // GIVEN the package as npm would publish it
    const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    const tarball = path.join(dir, packed);
    const listing = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    expect(listing).toContain('package/lib/src/index.d.ts');
    expect(listing).toContain('package/bin/cdk8s-gitops.js');
    expect(listing).not.toMatch(/package\/(src|test|dist)\//);

    // AND a consumer project depending on it (peers from the local npm cache when possible)
    const consumer = path.join(dir, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }));
    const peers = ['cdk8s', 'cdk8s-plus-28', 'constructs']
      .map(p => `${p}@${JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')).version}`);
    const install = spawnSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...peers, `typescript@${pkg.devDependencies.typescript}`, `@types/node@${pkg.devDependencies['@types/node']}`], {
      cwd: consumer, encoding: 'utf8', timeout: 240_000,
    });
    expect(install.stderr).not.toMatch(/ERR!/);
    expect(install.status).toBe(0);

    // WHEN the consumer compiles strict TypeScript importing the constructs
    fs.writeFileSync(path.join(consumer, 'main.ts'), [
      "import { AppChart, Environment, GitOpsApp, ImageRef, WebService, renderFiles } from 'cdk8s-gitops';",
      "const app = new GitOpsApp({ outdir: 'dist' });",
      "const web = new WebService(new AppChart(new Environment(app, 'dev'), 'shop'), 'web', { image: ImageRef.parse('ghcr.io/acme/shop:1.2.3') });",
      'const files: Record<string, string> = renderFiles(app);',
      'console.log(JSON.stringify({ files: Object.keys(files), replicas: web.replicas }));',
      'app.synth();',
    ].join('\n'));
    // with its own TypeScript, which checks main.ts and every declaration file
    // of this package (an import of a package the consumer lacks is an error
    // there). Other packages' declarations are theirs to check: `tsc
    // --skipLibCheck false` spent 8 of its 12 s of CPU on them.
    fs.writeFileSync(path.join(consumer, 'compile.js'), COMPILE);
    const tsc = spawnSync(process.execPath, ['compile.js'], { cwd: consumer, encoding: 'utf8', timeout: 120_000 });
    expect(tsc.stderr).toBe('');
    expect(JSON.parse(tsc.stdout)).toEqual({ errors: [], checked: expect.arrayContaining(['lib/src/index.d.ts', 'lib/src/constructs/web-service.d.ts']) });
    expect(tsc.status).toBe(0);
    const run = spawnSync(process.execPath, ['main.js'], { cwd: consumer, encoding: 'utf8', timeout: 60_000 });

    // THEN it renders and writes the app's folder
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      files: ['dev/shop/deployment-shop.yaml', 'dev/shop/kustomization.yaml', 'dev/shop/service-shop.yaml'],
      replicas: 1,
    });
    expect(fs.readdirSync(path.join(consumer, 'dist', 'dev', 'shop')).sort()).toEqual(['deployment-shop.yaml', 'kustomization.yaml', 'service-shop.yaml']);
    // AND the CLI bin runs from the installed package
    const cli = spawnSync(path.join(consumer, 'node_modules', '.bin', 'cdk8s-gitops'), ['--version'], { cwd: consumer, encoding: 'utf8' });
    expect(cli.stdout.trim()).toBe(pkg.version);
    // pack, install, compile and two runs: 30 s measured under load (load average 11 on 2 cores) with `tsc`,
    // 13-19 s with compile.js (idle, and beside the rest of npm test); 60 s was jest's default.
  }, 240_000);
});

/**
 * The consumer's compile, with its own TypeScript: main.ts in strict mode,
 * type-checked together with each declaration file of cdk8s-gitops (as
 * `tsc --skipLibCheck false` would, but for no other package's), then
 * emitted as main.js. Prints the errors and the package files checked.
 */
const COMPILE = `
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const program = ts.createProgram(['main.ts'], {
  strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, skipLibCheck: false,
});
const ours = fs.realpathSync(path.join(__dirname, 'node_modules', 'cdk8s-gitops')) + path.sep;
const main = program.getSourceFile('main.ts');
const checked = [main, ...program.getSourceFiles().filter(sf => fs.realpathSync(sf.fileName).startsWith(ours))];
const diagnostics = [
  ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(),
  ...checked.flatMap(sf => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ...program.emit(main).diagnostics,
];
const where = d => d.file ? path.relative(__dirname, d.file.fileName) + ': ' : '';
console.log(JSON.stringify({
  errors: diagnostics.map(d => where(d) + ts.flattenDiagnosticMessageText(d.messageText, ' ')),
  checked: checked.slice(1).map(sf => path.relative(ours, fs.realpathSync(sf.fileName))),
}));
process.exitCode = diagnostics.length > 0 ? 1 : 0;
`;
