import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { tmpDir } from '../support/tools';

/** The result of one in-process CLI run. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `cdk8s-gitops argv...` in `cwd` with captured output (no TTY, so no colour) and an empty environment. */
export async function cli(cwd: string, ...argv: string[]): Promise<CliRun> {
  return cliWithEnv(cwd, { CDK8S_GITOPS_CACHE_DIR: process.env.CDK8S_GITOPS_CACHE_DIR! }, ...argv);
}

/** `cli` with the environment `env`. */
export async function cliWithEnv(cwd: string, env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: t => { out += t; },
    err: t => { err += t; },
    cwd,
    env,
    isTTY: false,
  });
  return { code, out, err };
}

/** A temp dir holding `images.yaml` with `text`; `read()` returns the file's current text. */
export function pinsFixture(text: string): { dir: string; file: string; read: () => string; cleanup: () => void } {
  const { dir, cleanup } = tmpDir('cdk8s-gitops-pins-');
  const file = path.join(dir, 'images.yaml');
  fs.writeFileSync(file, text);
  return { dir, file, read: () => fs.readFileSync(file, 'utf8'), cleanup };
}

export const SHA_A = '5d41402abc4b2a76b9719d911017c592ae8f1b23';
export const SHA_B = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12';
export const SHA_C = 'de9f2c7fd25e1b3afad3e85a0bd17d9b100db4b3';
export const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A pins file with comments, blank lines, quoting and trailing comments in it. */
export const COMMENTED = `# Image pins: edited by \`cdk8s-gitops set-image\` and \`promote\`; read at synth.

hello:            # the example app
  # dev follows main
  dev: ghcr.io/example/hello:${SHA_A}   # set by CI
  prod: "ghcr.io/example/hello:${SHA_B}"

worker:
  dev: 'ghcr.io/example/worker:${SHA_A}'
  prod: ghcr.io/example/worker:${SHA_B}
# end of pins
`;
