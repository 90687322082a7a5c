import * as path from 'path';
import { Problem, ValidationError } from '../../errors';
import { DEFAULT_PINS_FILE } from '../../pins/defaults';
import type { PinUpdate } from '../../pins/pins-file';
import { RegisterCommand } from '../command';
import { ExitCode } from '../exit-codes';

interface SetImageOptions {
  readonly env: string;
  readonly file: string;
  readonly create?: boolean;
  readonly resolve?: boolean;
  readonly json?: boolean;
}

/** `cdk8s-gitops set-image <app>=<reference>...`: the typed-code answer to `kustomize edit set image`. */
export const registerSetImage: RegisterCommand = (program, io, setExitCode) => {
  program
    .command('set-image')
    .summary('pin an app\'s image in one environment (edits images.yaml in place)')
    .description('Pin the image of an app in one environment of the image pins file. '
      + 'For an app with several images (one per container or workload), name the image: <app>/<image>=<reference>. '
      + 'Only the value changes: comments, order and blank lines stay. '
      + 'The file is replaced atomically, and not touched at all when the pin already has that value. '
      + 'Refused: a mutable tag (latest) without a digest, and an app, environment or image the file does not have yet (unless --create).')
    .argument('<pins...>', '<app>[/<image>]=<repository>[:tag][@sha256:digest], e.g. hello=ghcr.io/example/hello:<sha>')
    .option('-e, --env <env>', 'environment to pin', 'dev')
    .option('-f, --file <file>', 'image pins file', DEFAULT_PINS_FILE)
    .option('--create', 'allow adding an app, environment or image that the file does not have yet')
    .option('--resolve', 'ask the registry for the digest of each tag and pin repo:tag@sha256:<digest> '
      + '(credentials, if any, from CDK8S_GITOPS_REGISTRY_USERNAME and CDK8S_GITOPS_REGISTRY_PASSWORD)')
    .option('--json', 'print the changes as JSON')
    .addHelpText('after', `
Examples:
  $ cdk8s-gitops set-image hello=ghcr.io/example/hello:$GITHUB_SHA
  $ cdk8s-gitops set-image hello=ghcr.io/example/hello:$GITHUB_SHA@sha256:<64 hex> --env prod
  $ cdk8s-gitops set-image shop/web=ghcr.io/example/shop:<sha> shop/worker=ghcr.io/example/shop-worker:<sha>
  $ cdk8s-gitops set-image hello=ghcr.io/example/hello:1.4.2 --env staging --create --json
  $ cdk8s-gitops set-image hello=ghcr.io/example/hello:$GITHUB_SHA --resolve`)
    .action(async (pins: string[], options: SetImageOptions) => {
      const [{ parsePinArgument, setImagesInFile }, { printPinsEdit }] = await Promise.all([import('../../pins/pins-file'), import('./_pins-output')]);
      const updates: PinUpdate[] = [];
      const problems: Problem[] = [];
      for (const arg of pins) {
        try {
          updates.push(parsePinArgument(arg, options.env));
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          problems.push(...e.problems);
        }
      }
      if (problems.length > 0) throw new ValidationError(problems);
      if (options.resolve) {
        const { resolveDigest } = await import('../../pins/registry');
        const { CDK8S_GITOPS_REGISTRY_USERNAME: username, CDK8S_GITOPS_REGISTRY_PASSWORD: password } = io.env;
        const credentials = username && password ? { username, password } : undefined;
        for (let i = 0; i < updates.length; i++) updates[i] = { ...updates[i], ref: await resolveDigest(updates[i].ref, { credentials }) };
      }
      const file = path.resolve(io.cwd, options.file);
      const edit = setImagesInFile(file, updates, { create: options.create });
      printPinsEdit(io, edit, options.file, Boolean(options.json));
      setExitCode(ExitCode.OK);
    });
};
