import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { Finding, formatFinding, ValidationReport } from './finding';
import { EnvironmentError, failureReport } from '../errors';
import { ValidateDirOptions } from './validate-dir';
import { defaultCacheDir, validateFolders } from './validate-folders';
import { readTree } from '../render/tree';
import { VERSION } from '../version';

/**
 * The parts of cdk8s-cli's validation plugin contract
 * (`cdk8s-cli/lib/plugins/validation`) this plugin uses; declared here so the
 * package does not depend on cdk8s-cli at run time.
 */
export interface Cdk8sValidationContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: { resourceName: string; locations: string[]; manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: Record<string, string>): void;
  };
  readonly logger: { log(message: string): void };
}

/** `properties` of the plugin in `cdk8s.yaml`. */
export interface Cdk8sGitOpsValidationProps extends ValidateDirOptions {
  /**
   * The folder whose files are validated as one tree (the cdk8s CLI's `output`).
   *
   * @default - `output` of ./cdk8s.yaml, else the common folder of the manifests
   */
  readonly dir?: string;
  /**
   * Keep each folder's results in the cache `cdk8s-gitops validate` and
   * `publish` use (`cacheDir`, else `defaultCacheDir()`): a folder the app
   * wrote unchanged since a check is not parsed nor built again.
   *
   * @default true
   */
  readonly cache?: boolean;
}

/**
 * cdk8s validation plugin: runs the same checks as `cdk8s-gitops validate`
 * over the CLI's output folder after `cdk8s synth`.
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-gitops/lib/src/validate/cdk8s-plugin.js
 *     class: Cdk8sGitOpsValidation
 *     version: 0.0.0
 *     properties: { skipKustomize: false }
 * ```
 */
export class Cdk8sGitOpsValidation {
  private readonly props: Cdk8sGitOpsValidationProps;

  constructor(props: Cdk8sGitOpsValidationProps = {}) {
    this.props = props;
  }

  /** Entry point called by the cdk8s CLI. */
  public async validate(context: Cdk8sValidationContext): Promise<void> {
    const failure = takeSynthFailure();
    if (failure !== undefined) {
      // The app failed on bad input and printed why; fail the run here (exit 2, no stack trace).
      context.report.addViolation({
        ruleName: 'synth',
        recommendation: 'the app refused its input (the problems are printed above, one per line)',
        fix: 'fix each construct prop or file named above',
        violatingResources: failure.split('\n').filter(Boolean).map(line => ({ resourceName: 'app', locations: [line.replace(/^error: /, '')], manifestPath: 'cdk8s.yaml' })),
      });
      context.report.submit('failure', { version: VERSION });
      return;
    }
    const root = this.props.dir ? path.resolve(this.props.dir) : findRoot(context.manifests);
    const tree = readTree(root);
    const { cache, ...options } = this.props;
    const cacheDir = cache === false ? undefined : options.cacheDir ?? defaultCacheDir();
    let report: ValidationReport;
    try {
      // The tree is exactly `root`'s files: kubectl builds the folders there (no temporary copy).
      report = await validateFolders(tree, { ...options, cacheDir, dir: root });
    } catch (e) {
      if (!(e instanceof EnvironmentError)) throw e;
      // kubectl missing or failing: one violation the CLI prints, not a stack trace.
      const message = e.message.replace(/; install kubectl or pass --skip-kustomize$/, ''); // a CLI flag, not the plugin's
      context.report.addViolation({
        ruleName: 'environment',
        recommendation: message,
        fix: 'install kubectl, or set `properties: { skipKustomize: true }` on this plugin in cdk8s.yaml',
        violatingResources: [{ resourceName: 'cdk8s-gitops', locations: [message], manifestPath: root }],
      });
      context.report.submit('failure', { version: VERSION });
      return;
    }
    reportTo(context, report, root);
  }
}

/** Copies a report into the CLI's report: one violation per rule, one line per finding logged. */
export function reportTo(context: Cdk8sValidationContext, report: ValidationReport, root: string): void {
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const shown = { ...f, file: path.join(root, ...f.file.split('/')) };
    context.logger.log(formatFinding(shown));
    if (f.severity !== 'error') continue;
    let list = byRule.get(f.rule);
    if (!list) byRule.set(f.rule, list = []);
    list.push(shown);
  }
  for (const [rule, findings] of byRule) {
    context.report.addViolation({
      ruleName: rule,
      recommendation: findings[0].message,
      fix: 'see docs/validation.md of cdk8s-gitops (waive a policy rule with a cdk8s-gitops.io/waive.<rule> annotation and a reason)',
      violatingResources: findings.map(f => ({
        resourceName: [f.kind, f.namespace, f.name].filter(Boolean).join('/') || path.basename(f.file),
        locations: [f.field ? `${f.field}: ${f.message}` : f.message],
        manifestPath: f.file,
      })),
    });
  }
  context.report.submit(report.ok ? 'success' : 'failure', {
    errors: String(report.errors),
    warnings: String(report.warnings),
    files: String(report.files),
    version: VERSION,
  });
}

function findRoot(manifests: readonly string[]): string {
  try {
    const config = parse(fs.readFileSync('cdk8s.yaml', 'utf8'));
    const out = path.resolve(typeof config?.output === 'string' ? config.output : 'dist');
    if (manifests.length > 0 && manifests.every(m => path.resolve(m).startsWith(out + path.sep))) return out;
  } catch {
    // no cdk8s.yaml here: fall back to the manifests' common folder
  }
  if (manifests.length === 0) return path.resolve('.');
  let common = path.dirname(path.resolve(manifests[0]));
  for (const m of manifests) {
    while (!(path.resolve(m) + path.sep).startsWith(common + path.sep)) common = path.dirname(common);
  }
  return common;
}

/**
 * File an app run by `cdk8s synth` leaves in the CLI's output folder when it
 * failed on bad input (`deferSynthFailure`): the plugin reports it instead.
 */
export const SYNTH_FAILURE_FILE = '.cdk8s-gitops-synth-failed';

/**
 * For an app's top level under `cdk8s synth`: the cdk8s CLI prints its own
 * stack trace and exits 1 when the app exits non-zero, but exits 2 without
 * one when a validation plugin fails. When this package's plugin is
 * configured in ./cdk8s.yaml, this leaves `message` for it in the CLI's output
 * folder and returns true: the app should then exit 0 (having printed the
 * message), and the plugin fails the run. Returns false anywhere else.
 */
export function deferSynthFailure(message: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (synthPluginProps(env) === undefined) return false;
  const outdir = env.CDK8S_OUTDIR!;
  fs.mkdirSync(outdir, { recursive: true });
  fs.writeFileSync(path.join(outdir, SYNTH_FAILURE_FILE), message);
  return true;
}

/**
 * The properties of this plugin in `cwd`'s cdk8s.yaml (`validations:`), `{}` when
 * it has none; `undefined` when it is not configured there.
 */
function configuredProps(cwd = '.'): Cdk8sGitOpsValidationProps | undefined {
  try {
    const config = parse(fs.readFileSync(path.join(cwd, 'cdk8s.yaml'), 'utf8'));
    const entry = Array.isArray(config?.validations) ? config.validations.find((v: any) => v?.class === Cdk8sGitOpsValidation.name) : undefined;
    if (!entry) return undefined;
    return typeof entry.properties === 'object' && entry.properties !== null ? entry.properties : {};
  } catch {
    return undefined;
  }
}

/**
 * When `cdk8s synth` runs this app and will run this plugin after it (the
 * CLI asks for construct metadata exactly when validations are configured),
 * the plugin's properties from `cwd`'s cdk8s.yaml; else `undefined`.
 * @internal
 */
export function synthPluginProps(env: NodeJS.ProcessEnv = process.env, cwd = '.'): Cdk8sGitOpsValidationProps | undefined {
  if (!env.CDK8S_OUTDIR || env.CDK8S_RECORD_CONSTRUCT_METADATA !== 'true') return undefined;
  return configuredProps(cwd);
}

/**
 * The top level of an app run by `cdk8s synth` (or plain node): what to print
 * and exit with when `error` escapes. Bad input is one line per problem and
 * exit 2, never a stack trace (unless `CDK8S_GITOPS_DEBUG=1`); under `cdk8s
 * synth` with this plugin configured it is handed to the plugin
 * (`deferSynthFailure`, exit code 0 here, 2 from the CLI). Prints nothing.
 *
 * The app's top level catches what `app.synth()` throws, writes `text` to
 * stderr and sets `process.exitCode` to `exitCode` (see src/main.ts and
 * docs/workloads.md).
 */
export function synthFailure(error: unknown, env: NodeJS.ProcessEnv = process.env): { readonly text: string; readonly exitCode: number } {
  const report = failureReport(error, { debug: !!env.CDK8S_GITOPS_DEBUG });
  const deferred = report.exitCode === 2 && deferSynthFailure(report.text, env);
  return { text: report.text, exitCode: deferred ? 0 : report.exitCode };
}

/** The message a failed app left for the plugin (removed once read), if any. */
function takeSynthFailure(): string | undefined {
  let out: string;
  try {
    const config = parse(fs.readFileSync('cdk8s.yaml', 'utf8'));
    out = path.resolve(typeof config?.output === 'string' ? config.output : 'dist');
  } catch {
    return undefined;
  }
  const file = path.join(out, SYNTH_FAILURE_FILE);
  if (!fs.existsSync(file)) return undefined;
  const message = fs.readFileSync(file, 'utf8');
  fs.rmSync(file, { force: true });
  return message;
}
