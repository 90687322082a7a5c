import * as path from 'path';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

interface InitCliOptions {
  readonly name?: string;
  readonly app?: string;
  readonly image?: string;
  readonly tag?: string;
  readonly repoUrl?: string;
  readonly json?: boolean;
}

/** `cdk8s-gitops init [dir]`: a new config repo, ready for `npm install && npm run synth`. */
export const registerInit: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('init')
    .summary('create a config repo: package.json, cdk8s.yaml, src/main.ts, images.yaml, a test, workflows')
    .description('Create a config repo in <dir> (default: the current folder): package.json with cdk8s-gitops '
      + 'and its peers, tsconfig.json, cdk8s.yaml, src/main.ts with one app in dev and prod, images.yaml, '
      + 'pipeline.yaml (dev, then prod), a jest test of the rendered tree, the pull-request, publish and promote '
      + 'workflows, a README and a .gitignore. '
      + 'Never overwrites a file: if any of them exists, nothing is written.')
    .argument('[dir]', 'folder of the new repo (created if missing)', '.')
    .option('--name <name>', 'npm name of the repo (default: the folder name)')
    .option('--app <app>', 'the first app, a DNS-1123 label', 'hello')
    .option('--image <repository>', 'its image repository, without tag (default: ghcr.io/example/<app>)')
    .option('--tag <tag>', 'the tag pinned until CI pins a build', '0.1.0')
    .option('--repo-url <url>', 'git URL Argo CD reads the rendered branch from (default: https://github.com/example/<name>.git)')
    .option('--json', 'print the files written as JSON')
    .addHelpText('after', `
Examples:
  $ mkdir payments-config && cd payments-config && npx cdk8s-gitops init
  $ npx cdk8s-gitops init shop-config --app shop --image ghcr.io/acme/shop \\
      --repo-url https://github.com/acme/shop-config.git
  $ cd shop-config && npm install && npm run synth && npm test`)
    .action(async (dir: string, options: InitCliOptions) => {
      const { scaffold } = await import('../../init/scaffold');
      const result = scaffold(path.resolve(io.cwd, dir), options);
      if (options.json) {
        io.out(`${JSON.stringify(result, null, 2)}\n`);
      } else {
        io.out(`Created a config repo in ${result.dir}:\n${result.files.map(f => `  ${f}\n`).join('')}`);
        const cd = path.relative(io.cwd, result.dir);
        io.out(`\nNext:\n${cd ? `  cd ${cd}\n` : ''}  npm install\n  npm run synth     # renders dist/\n  npm test          # writes the first snapshot; commit it\n`);
      }
      setExitCode(ExitCode.OK);
    });
};
