import * as fs from 'fs';
import * as path from 'path';
import { ValidationError } from '../../errors';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { styler } from '../io';

interface MigrateCliOptions {
  readonly out?: string;
  readonly app?: string;
  readonly env?: string;
  readonly namespace?: string;
  readonly strict?: boolean;
  readonly force?: boolean;
  readonly json?: boolean;
  readonly importFrom: string;
}

/** `cdk8s-gitops migrate <file|dir>...`: hand-written YAML to typed code, with the differences it makes. */
export const registerMigrate: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('migrate')
    .summary('turn hand-written YAML (and kustomization folders) into typed cdk8s-gitops code')
    .description('Read Kubernetes YAML files, folders and kustomization folders (resources, namespace, images) '
      + 'and write a cdk8s-gitops program: a Deployment + Service pair becomes a WebService, an ExternalSecret or '
      + 'SealedSecret its construct, a Deployment without a Service a Worker, a CronJob a ScheduledJob, a PreSync hook '
      + 'Job a MigrationJob, other kinds typed k8s classes, unknown kinds ApiObjects. The program is rendered '
      + 'on the spot and compared with the input: every field the constructs change (secure defaults, labels) is listed, '
      + 'and what the validation gate (on in the program) will refuse. --strict reproduces the input exactly. '
      + 'A plaintext Secret is refused: secret values never go into source.')
    .argument('<paths...>', 'YAML files or folders (a folder with kustomization.yaml is read through it)')
    .option('-o, --out <file>', 'write the program to this file (default: print it)')
    .option('--app <name>', 'app name (default: the first Deployment\'s name)')
    .option('-e, --env <name>', 'environment name', 'dev')
    .option('--namespace <ns>', 'environment namespace (default: the kustomization\'s, else the objects\')')
    .option('--strict', 'constructs (no WebService) or typed k8s classes, plus patches undoing what they change: the output equals the input exactly')
    .option('--force', 'overwrite --out if it exists')
    .option('--import-from <module>', 'module the program imports cdk8s-gitops from', 'cdk8s-gitops')
    .option('--json', 'print the result (code, objects, differences) as JSON')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops migrate k8s/ --out src/main.ts
  $ cdk8s-gitops migrate deployment.yaml service.yaml --app hello --env prod
  $ cdk8s-gitops migrate k8s/ --strict --out src/main.ts --force
  $ cdk8s-gitops migrate k8s/ --json | jq '.objects[].changes'`)
    .action(async (paths: string[], options: MigrateCliOptions) => {
      const out = options.out ? path.resolve(io.cwd, options.out) : undefined;
      if (out && fs.existsSync(out) && !options.force) {
        throw new ValidationError([{ path: options.out!, message: 'exists already; pass --force to overwrite it' }]);
      }
      const [{ formatDifferences, migrate }, { writeFileAtomic }] = await Promise.all([import('../../migrate/migrate'), import('../../pins/atomic-write')]);
      const result = migrate(paths, {
        app: options.app,
        env: options.env,
        namespace: options.namespace,
        strict: options.strict,
        importFrom: options.importFrom,
        cwd: io.cwd,
      });
      if (out) {
        fs.mkdirSync(path.dirname(out), { recursive: true });
        writeFileAtomic(out, result.code);
      }
      if (options.json) {
        io.out(`${JSON.stringify({ ...result, out: options.out }, null, 2)}\n`);
      } else {
        const s = styler(io);
        const report = [
          ...result.notes.map(n => `note: ${n}`),
          ...formatDifferences(result).map(l => (l.startsWith('  +') ? s('green', l) : l.startsWith('  -') ? s('red', l) : l)),
          result.exact ? 'The rendered objects equal the input exactly.' : 'The differences above are what the cluster would see change.',
          ...(result.gate.problems.length
            ? [`The generated app keeps the validation gate on: its synth refuses these ${result.gate.problems.length} problem(s) until they are fixed:`,
              ...result.gate.problems.map(p => `  ${p}`)]
            : ['The generated app keeps the validation gate on, and the rendered tree passes it.']),
        ].join('\n');
        if (out) {
          io.out(`Wrote ${options.out} (${result.objects.length} objects, app ${result.app}, env ${result.env}).\n${report}\n`);
        } else {
          io.out(result.code);
          io.err(`${report}\n`);
        }
      }
      setExitCode(ExitCode.OK);
    });
};
