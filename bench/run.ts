/**
 * The benchmark: `npm run bench [-- --apps 10,100 --reps 3 --quick]`.
 *
 * For each app count N it generates N apps × 2 environments with the
 * project's constructs and measures, in one run (medians over repetitions):
 * whole-process renders (fast path, precompiled, `npx cdk8s synth`), the
 * in-process phases (build, render, validate, write, publish, diff), peak
 * memory, and floors/peers (yaml/JSON stringify-and-write, raw cdk8s-plus-28
 * synth, git add+commit, kubectl kustomize). Prints a table and writes
 * bench/results/latest.json. Exits 0 unless the harness itself breaks.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { hasCommand, ProcessRun, REPO, runProcess } from './_util';
import { appName, appSource, ENVIRONMENTS, expectedFiles } from './generate';
import { buildPeerBundles, PeerResult, renderPeerTable, runPeers } from './peers';
import { renderPinsTable, runPinsBench } from './pins';
import { evaluate, Measurements, renderPublishCli, renderTable } from './report';
import { startupOfRepoApp } from './startup';

interface Options {
  apps: number[];
  reps: number;
  quick: boolean;
  keep: boolean;
  estate: boolean;
  /** Run only this part (`publish`: the fresh-process publish rows of bench/publish-cli.ts). */
  only?: string;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { apps: [10, 100, 1000], reps: 0, quick: false, keep: false, estate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--apps') {opts.apps = value().split(',').map(s => Number(s.trim()));} else if (a.startsWith('--apps=')) {opts.apps = a.slice(7).split(',').map(Number);} else if (a === '--reps') {opts.reps = Number(value());} else if (a === '--quick') {opts.quick = true;} else if (a === '--keep') {opts.keep = true;} else if (a === '--estate') {opts.estate = true;} else if (a === '--only') {opts.only = value();} else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: npm run bench -- [--apps 10,100,1000] [--reps N] [--quick] [--keep]\n'
        + '  --quick  10 and 100 apps, 1-2 repetitions, no cdk8s-plus peer at 100: a CI smoke (< 2 min)\n'
        + '  --keep   keep the generated work directory\n'
        + '  --estate also run bench/estate.ts (10 teams x N apps x 3 envs, prod on 2 clusters)\n'
        + '  --only publish  only the fresh-process publish rows, at the largest --apps (bench/publish-cli.ts, kustomize check included)\n');
      process.exit(0);
    } else {throw new Error(`unknown argument ${a} (try --help)`);}
  }
  if (opts.quick && !argv.includes('--apps') && !argv.some(a => a.startsWith('--apps='))) opts.apps = [10, 100];
  if (opts.only !== undefined && opts.only !== 'publish') throw new Error(`--only takes publish (got ${opts.only})`);
  if (opts.apps.some(n => !Number.isInteger(n) || n < 1)) throw new Error(`--apps must be positive integers (got ${opts.apps.join(',')})`);
  return opts;
}

/** A RAM-backed directory when there is one (`/dev/shm`), else the OS temp dir. */
function scratchBase(): { dir: string; ramDisk: boolean } {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return { dir: '/dev/shm', ramDisk: true };
  } catch {
    return { dir: os.tmpdir(), ramDisk: false };
  }
}

/** A folder that runs apps like a user's project: node_modules (a link to this checkout's), package.json, cdk8s.yaml. */
function projectDir(dir: string, appFile: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const nm = path.join(dir, 'node_modules');
  if (!fs.existsSync(nm)) fs.symlinkSync(path.join(REPO, 'node_modules'), nm, 'dir');
  fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "bench-app", "private": true }\n');
  // A user's own entry, transpiled on the fly (the library itself is what the repo's app command precompiles).
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), `language: typescript\napp: node --require esbuild-register ${appFile}\noutput: .cdk8s.out\n`);
}

/** Bundles `entry` (TypeScript) to `outfile` with esbuild, dependencies left external: the precompiled path. */
function precompile(entry: string, outfile: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  esbuild.buildSync({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'error' });
}

interface WholeProcess { ms: number[]; maxRssMiB?: number; failed?: string }

function repeatProcess(reps: number, cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): WholeProcess {
  const runs: ProcessRun[] = [];
  for (let i = 0; i < reps; i++) {
    const r = runProcess(cmd, args, { cwd, env });
    if (r.status !== 0) return { ms: [], failed: `${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    runs.push(r);
  }
  const rss = runs.map(r => r.maxRssMiB).filter((x): x is number => x !== undefined);
  return { ms: runs.map(r => r.ms), maxRssMiB: rss.length ? Math.max(...rss) : undefined };
}

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const base = scratchBase();
  const work = fs.mkdtempSync(path.join(base.dir, 'cdk8s-gitops-bench-'));
  const env = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', NO_COLOR: '1' };
  const hasKubectl = hasCommand('kubectl', ['version', '--client']);
  const gitVersion = spawnSync('git', ['--version'], { encoding: 'utf8' }).stdout?.trim();
  const m: Measurements = {
    machine: {
      nproc: os.availableParallelism?.() ?? os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      git: gitVersion,
      scratch: base.dir,
      ramDisk: base.ramDisk,
    },
    options: { apps: opts.apps, quick: opts.quick, reps: opts.reps || undefined },
    startup: {},
    counts: [],
  };
  log(`scratch directory: ${work} (${base.ramDisk ? 'RAM-backed /dev/shm' : 'os.tmpdir(), not RAM-backed'})`);
  if (opts.only === 'publish') {
    const publishCli = runPublishCli(opts, work, env, hasKubectl);
    const resultsDir = path.join(__dirname, 'results');
    fs.mkdirSync(resultsDir, { recursive: true });
    fs.writeFileSync(path.join(resultsDir, 'publish-cli.json'), `${JSON.stringify({ machine: m.machine, publishCli }, null, 2)}\n`);
    process.stdout.write(renderPublishCli(publishCli));
    process.stdout.write(`\nJSON: ${path.relative(process.cwd(), path.join(resultsDir, 'publish-cli.json'))}; took ${Math.round((Date.now() - started) / 1000)} s\n`);
    if (!opts.keep) fs.rmSync(work, { recursive: true, force: true });
    return;
  }

  // Start-up: bare node loading cdk8s + cdk8s-plus-28 vs the example app.
  const startupReps = opts.reps || (opts.quick ? 3 : 7);
  const sdir = path.join(work, 'startup');
  projectDir(sdir, 'example.ts');
  const mainTs = path.join(REPO, 'src', 'main.ts').split(path.sep).join('/');
  fs.writeFileSync(path.join(sdir, 'example.ts'), `import { exampleApp } from ${JSON.stringify(mainTs.replace(/\.ts$/, ''))};\nexampleApp({ outdir: 'dist' }).synth();\n`);
  precompile(path.join(sdir, 'example.ts'), path.join(sdir, 'example.js'));
  // src/main.ts reads `${__dirname}/../images.yaml`; in the bundle __dirname is sdir.
  fs.copyFileSync(path.join(REPO, 'images.yaml'), path.join(work, 'images.yaml'));
  log('start-up: bare node, example app (fast path, precompiled)');
  m.startup.bareNode = repeatProcess(startupReps, 'node', ['-e', "require('cdk8s'); require('cdk8s-plus-28')"], sdir, env);
  m.startup.nodeEmpty = repeatProcess(startupReps, 'node', ['-e', '0'], sdir, env);
  m.startup.exampleFast = repeatProcess(startupReps, 'node', ['--require', 'esbuild-register', 'example.ts'], sdir, env);
  m.startup.examplePrecompiled = repeatProcess(startupReps, 'node', ['example.js'], sdir, env);
  m.startup.exampleCdk8sCli = repeatProcess(opts.quick ? 1 : 3, 'npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], sdir, env);
  // The same, the way a user types it: no flag, no env var (the upgrade check runs).
  const { CDK8S_CHECK_UPGRADE: _drop, ...plainEnv } = env;
  m.startup.exampleCdk8sCliPlain = repeatProcess(1, 'npx', ['--no-install', 'cdk8s', 'synth'], sdir, plainEnv);
  // The repo's own cdk8s.yaml (prebuilt app command + validation plugin), alternated with its baselines.
  log('start-up: the repo\'s app command and cdk8s synth, alternated with their baselines');
  Object.assign(m.startup, startupOfRepoApp(path.join(work, 'repo-app'), startupReps, env));

  for (const apps of opts.apps) {
    const reps = opts.reps || (opts.quick ? (apps >= 100 ? 1 : 2) : apps >= 1000 ? 3 : 5);
    const dir = path.join(work, `apps-${apps}`);
    log(`${apps} apps x ${ENVIRONMENTS.length} environments, ${reps} repetition(s)`);
    // In-process phases, in a fresh process.
    const phasesArgs = ['--require', 'esbuild-register', path.join(__dirname, 'phases.ts'), '--apps', String(apps), '--reps', String(reps), '--work', path.join(dir, 'phases')];
    if (opts.quick && apps >= 100) phasesArgs.push('--raw', 'no');
    const p = spawnSync('node', phasesArgs, { cwd: REPO, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 1_800_000 });
    if (p.status !== 0) throw new Error(`bench/phases.ts failed for ${apps} apps (exit ${p.status}): ${p.stderr}`);
    const phases = JSON.parse(p.stdout.trim().split('\n').pop()!);

    // Whole-process renders of the generated app file.
    const pdir = path.join(dir, 'project');
    projectDir(pdir, 'app.ts');
    fs.writeFileSync(path.join(pdir, 'app.ts'), appSource(apps, path.join(REPO, 'src', 'index.ts')));
    precompile(path.join(pdir, 'app.ts'), path.join(pdir, 'app.js'));
    log(`${apps} apps: whole-process renders`);
    const wholeFast = repeatProcess(reps, 'node', ['--require', 'esbuild-register', 'app.ts'], pdir, env);
    const wholePrecompiled = repeatProcess(reps, 'node', ['app.js'], pdir, env);
    const cliReps = opts.quick ? 1 : Math.min(reps, 3);
    const wholeCli = repeatProcess(cliReps, 'npx', ['--no-install', 'cdk8s', 'synth', '--no-check-upgrade'], pdir, env);
    const rendered = path.join(pdir, 'dist');
    const fileCount = fs.existsSync(rendered) ? countFiles(rendered) : 0;

    // kubectl kustomize over one app and over every app folder.
    let kustomizeOne: WholeProcess | { skipped: string };
    let kustomizeAll: WholeProcess | { skipped: string };
    if (!hasKubectl) {
      kustomizeOne = kustomizeAll = { skipped: 'kubectl is not installed' };
    } else if (!fs.existsSync(rendered)) {
      kustomizeOne = kustomizeAll = { skipped: 'the app did not render' };
    } else {
      log(`${apps} apps: kubectl kustomize`);
      const folders = ENVIRONMENTS.flatMap(e => Array.from({ length: apps }, (_, i) => `${e.name}/${appName(i)}`));
      fs.writeFileSync(path.join(rendered, 'kustomization.yaml'), `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${folders.map(f => `- ${f}`).join('\n')}\n`);
      kustomizeOne = repeatProcess(reps, 'kubectl', ['kustomize', path.join(rendered, folders[0])], pdir, env);
      kustomizeAll = repeatProcess(apps >= 1000 ? 1 : reps, 'kubectl', ['kustomize', rendered], pdir, env);
    }
    m.counts.push({
      apps,
      reps,
      files: phases.files,
      renderedFiles: fileCount,
      expectedFiles: expectedFiles(apps),
      phases: phases.phases,
      phasesMaxRssMiB: phases.maxRssMiB,
      wholeFast,
      wholePrecompiled,
      wholeCli,
      kustomizeOne,
      kustomizeAll,
    });
  }

  // Whole-process peers (fresh processes, alternated): at 1,000 apps, and 5,000 for scaling, unless --quick.
  const peerApps = opts.quick ? [Math.min(...opts.apps)] : [...new Set([...opts.apps.filter(n => n >= 1000), 1000, 5000])];
  const peerReps = opts.reps || (opts.quick ? 1 : 5);
  const bin = buildPeerBundles(path.join(work, 'peers'));
  const peers: PeerResult[] = peerApps.map(n => runPeers(path.join(work, 'peers'), bin, n, n > 1000 ? Math.min(peerReps, 3) : peerReps, n > 1000 ? 0 : 1, log, n > 1000));
  m.peers = peers;
  const pins = runPinsBench(path.join(work, 'pins'), { apps: [20_000, 200_000], reps: opts.reps, quick: opts.quick }, log);

  // Fresh-process publish and validate (bench/publish-cli.ts), at the largest app count.
  const publishCli = runPublishCli(opts, work, env, hasKubectl);
  (m as Measurements & { publishCli?: unknown }).publishCli = publishCli;
  m.durationS = Math.round((Date.now() - started) / 100) / 10;
  const evaluation = evaluate(m);
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify({ ...m, evaluation, pins }, null, 2)}\n`);
  process.stdout.write(renderTable(m, evaluation));
  process.stdout.write(renderPublishCli(publishCli));
  process.stdout.write(`\n${renderPeerTable(peers)}`);
  process.stdout.write(renderPinsTable(pins));
  process.stdout.write(`\nJSON: ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}; scratch: ${base.dir}${base.ramDisk ? ' (RAM-backed)' : ' (not RAM-backed)'}; took ${m.durationS} s\n`);
  if (opts.estate || !opts.quick) {
    log('estate: bench/estate.ts');
    const estate = spawnSync('node', ['--require', 'esbuild-register', path.join(__dirname, 'estate.ts')], { cwd: REPO, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    process.stdout.write(estate.status === 0 ? `\n${estate.stdout}` : `\nestate: bench/estate.ts exited ${estate.status}: ${estate.stderr.trim().split('\n').slice(-3).join(' | ')}\n`);
  }
  if (opts.keep) log(`kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}

/** bench/publish-cli.ts in its own process, at the largest app count: its JSON result, or why it failed. */
function runPublishCli(opts: Options, work: string, env: NodeJS.ProcessEnv, hasKubectl: boolean): any {
  const cliApps = Math.max(...opts.apps);
  log(`${cliApps} apps: fresh-process publish and validate`);
  const cliArgs = ['--require', 'esbuild-register', path.join(__dirname, 'publish-cli.ts'), '--apps', String(cliApps),
    '--reps', String(opts.reps || (opts.quick ? 2 : 5)), '--work', path.join(work, 'publish-cli'), '--kustomize', hasKubectl && !opts.quick ? 'yes' : 'no'];
  const pc = spawnSync('node', cliArgs, { cwd: REPO, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, timeout: 3_600_000 });
  return pc.status === 0 ? JSON.parse(pc.stdout.trim().split('\n').pop()!) : { failed: `bench/publish-cli.ts exited ${pc.status}: ${pc.stderr.trim().split('\n').slice(-3).join(' | ')}` };
}

function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

// Timing noise never fails CI: only a broken harness exits non-zero.
main().catch(e => {
  process.stderr.write(`[bench] harness failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});

