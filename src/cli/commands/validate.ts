import * as path from 'path';
import { InvalidArgumentError, Option } from 'commander';
import type { Finding } from '../../validate/finding';
import { DEFAULT_KUBERNETES_VERSION, SUPPORTED_KUBERNETES_VERSIONS } from '../../validate/kubernetes-versions';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';
import { progressReporter, styler } from '../io';

interface ValidateOptions {
  readonly dir: string;
  readonly format: 'text' | 'json';
  readonly kubernetesVersion: string;
  readonly skipKustomize?: boolean;
  readonly concurrency?: number;
  readonly cache: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number >= 1');
  return n;
}

/** `cdk8s-gitops validate`: the gate every rendered tree passes before it leaves the machine. */
export const registerValidate: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('validate')
    .summary('check the rendered tree: strict schemas, kustomize build, YAML safety, security policy')
    .description('Validate every file of the rendered tree in one pass: strict Kubernetes (any minor from 1.28, default the newest) and Argo CD schemas '
      + '(unknown fields are errors), each app folder built with `kubectl kustomize` and compared with its raw files, '
      + 'YAML that Go (YAML 1.1) and YAML 1.2 readers read the same, and a secure-by-default policy. '
      + 'Every problem is reported; exit code 1 when any is an error. See docs/validation.md for the rules and waivers.')
    .option('-d, --dir <dir>', 'the rendered tree', 'dist')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--kubernetes-version <version>', `Kubernetes version of the schemas (${SUPPORTED_KUBERNETES_VERSIONS[0]} to ${DEFAULT_KUBERNETES_VERSION} are bundled)`, DEFAULT_KUBERNETES_VERSION)
    .option('--skip-kustomize', 'do not run `kubectl kustomize` (no kubectl needed)')
    .option('--concurrency <n>', 'kustomize builds run at once (default: number of CPUs)', positiveInt)
    .option('--no-cache', 'do not use or fill the check-result cache (per folder content and tool versions; shared with publish)')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops validate
  $ cdk8s-gitops validate --dir dist --format json > findings.json
  $ cdk8s-gitops validate --skip-kustomize
  $ cdk8s-gitops validate --kubernetes-version 1.31

Waive a policy rule for one object with an annotation (a reason is required):
  metadata.annotations["cdk8s-gitops.io/waive.no-automount-token"]: "reads the API to find peers"`)
    .action(async (options: ValidateOptions) => {
      const dir = path.resolve(io.cwd, options.dir);
      const [{ formatFinding }, { validateDir }, { defaultCacheDir }] = await Promise.all([
        import('../../validate/finding'), import('../../validate/validate-dir'), import('../../validate/validate-folders'),
      ]);
      const report = await validateDir(dir, {
        cacheDir: options.cache ? defaultCacheDir(io.env) : undefined,
        kubernetesVersion: options.kubernetesVersion,
        skipKustomize: options.skipKustomize,
        concurrency: options.concurrency,
        onProgress: progressReporter(io, Boolean(program.opts().quiet), 'kustomize builds'),
      });
      if (options.format === 'json') {
        io.out(`${JSON.stringify({ dir: options.dir, ...report }, undefined, 2)}\n`);
      } else {
        const s = styler(io);
        const shown = (f: Finding): Finding => ({ ...f, file: path.join(options.dir, ...f.file.split('/')) });
        for (const f of report.findings) {
          const line = formatFinding(shown(f));
          const tag = `[${f.severity} ${f.rule}]`;
          io.out(`${line.slice(0, -tag.length)}${s(f.severity === 'error' ? 'red' : 'yellow', tag)}\n`);
        }
        const summary = `${report.errors} error(s), ${report.warnings} warning(s) in ${report.files} file(s), ${report.objects} object(s)`
          + (report.waived.length ? `; ${report.waived.length} finding(s) waived` : '')
          + (options.skipKustomize ? '; kustomize build skipped' : '');
        io.out(`${report.ok ? s('green', 'ok') : s('red', 'failed')}: ${summary}\n`);
      }
      setExitCode(report.ok ? ExitCode.OK : ExitCode.FINDINGS);
    });
};
