/**
 * In-process phases for one app count, run in its own process by bench/run.ts:
 *   node -r esbuild-register bench/phases.ts --apps N --reps R --work DIR
 * Prints one JSON line: per phase, every repetition's duration in ms (or why
 * it was not measured).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { optionalModule, sh, timeReps } from './_util';
import { buildApp, buildRawCdk8sPlus, OneAppChange } from './generate';
import { renderApp, renderAppDetailed } from '../src/render/render';
import { RenderedTree, writeTree } from '../src/render/tree';

/** Durations of one phase, or the reason it was not measured. */
export type PhaseResult = { readonly ms: number[]; readonly note?: string } | { readonly skipped: string };

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Writes every object of `objects` to `dir` with `stringify` (one file each): the floor. */
function stringifyAndWrite(dir: string, objects: readonly [string, unknown][], stringify: (o: unknown) => string): void {
  const made = new Set<string>();
  for (const [rel, obj] of objects) {
    const file = path.join(dir, rel);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(file, stringify(obj));
  }
}

/** Writes the tree's files into an existing directory (a git work tree), leaving `.git` alone. */
function writeFiles(dir: string, tree: RenderedTree, only?: ReadonlySet<string>): void {
  for (const [rel, content] of tree) {
    if (only && !only.has(rel)) continue;
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

function changedFiles(a: RenderedTree, b: RenderedTree): Set<string> {
  return new Set([...b].filter(([p, c]) => a.get(p) !== c).map(([p]) => p));
}

function freshRepo(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  sh('git init -q -b main . && git config user.name bench && git config user.email bench@example.invalid && echo src > README.md && git add README.md && git commit -q -m init', dir);
}

async function main(): Promise<void> {
  const apps = Number(arg('apps', '10'));
  const reps = Number(arg('reps', '3'));
  const work = path.resolve(arg('work', '.'));
  const skipRaw = arg('raw', 'yes') === 'no';
  fs.mkdirSync(work, { recursive: true });
  const out: Record<string, PhaseResult> = {};
  const change: OneAppChange = { app: 0, env: 'dev' };

  // Construct, render, validate, write.
  let app = buildApp(apps, path.join(work, 'dist'));
  out.build = { ms: await timeReps(reps, () => { app = buildApp(apps, path.join(work, 'dist')); }) };
  let tree: RenderedTree = new Map();
  let rendered: ReadonlyMap<string, unknown> = new Map();
  out.render = {
    ms: await timeReps(reps, () => { ({ tree, objects: rendered } = renderAppDetailed(app)); }, () => { app = buildApp(apps, path.join(work, 'dist')); }),
  };
  const files = tree.size;

  const validate = optionalModule('validate/validate-tree');
  if (validate.mod?.validateTree) {
    // What GitOpsApp's validation gate runs (the objects the renderer emitted), then what `validate --dir` runs (text).
    for (const [phase, options] of [['validate', { objects: rendered }], ['validateText', {}]] as const) {
      let errors = 0;
      const ms = await timeReps(reps, () => {
        const report = validate.mod.validateTree(tree, options);
        errors = (report.findings ?? []).filter((f: any) => f.severity === 'error').length;
      });
      out[phase] = { ms, note: `${errors} error finding(s)` };
    }
  } else {
    out.validate = out.validateText = { skipped: validate.why ?? 'validateTree is not exported' };
  }
  out.write = { ms: await timeReps(reps, () => writeTree(path.join(work, 'dist'), tree)) };

  // Floors: the same objects, stringified and written without this library.
  const objects: [string, unknown][] = [...tree].map(([p, c]) => [p, parseYaml(c)]);
  const floorDir = path.join(work, 'floor');
  const clean = () => fs.rmSync(floorDir, { recursive: true, force: true });
  out.floorYaml = { ms: await timeReps(reps, () => stringifyAndWrite(floorDir, objects, o => stringifyYaml(o)), clean) };
  out.floorJson = { ms: await timeReps(reps, () => stringifyAndWrite(floorDir, objects, o => JSON.stringify(o, null, 2)), clean) };
  clean();

  // Peer: plain cdk8s + cdk8s-plus-28, one chart per app and environment, app.synth().
  if (skipRaw) {
    out.rawCdk8sPlus = { skipped: 'skipped (--raw no)' };
  } else {
    const rawDir = path.join(work, 'raw');
    const rawReps = apps >= 1000 ? 1 : reps;
    out.rawCdk8sPlus = {
      ms: await timeReps(rawReps, () => buildRawCdk8sPlus(apps, rawDir).synth(), () => fs.rmSync(rawDir, { recursive: true, force: true })),
      note: `${rawReps} rep(s); cdk8s App.synth() cost grows with charts²`,
    };
    fs.rmSync(rawDir, { recursive: true, force: true });
  }
  // Just what the constructs cost in cdk8s: ApiObject.toJson() of every object.
  out.toJson = {
    ms: await timeReps(reps, () => {
      for (const chart of app.charts) for (const c of chart.node.findAll()) if (ApiObject.isApiObject(c) && Chart.of(c) === chart) c.toJson();
    }),
  };

  // The one-app change: app 0's image in dev.
  const changedTree = renderApp(buildApp(apps, path.join(work, 'dist'), change));
  const delta = changedFiles(tree, changedTree);

  // Floor: git add -A && git commit of the same tree, then of the one-app change.
  const floorRepo = path.join(work, 'git-floor');
  out.gitFirstCommit = {
    ms: await timeReps(reps, () => sh('git add -A && git commit -q -m render', floorRepo), () => { freshRepo(floorRepo); writeFiles(floorRepo, tree); }),
  };
  out.gitOneAppCommit = {
    ms: await timeReps(reps, () => sh('git add -A && git commit -q -m change', floorRepo), rep => writeFiles(floorRepo, rep % 2 ? tree : changedTree, delta)),
    note: `${delta.size} file(s) changed`,
  };
  fs.rmSync(floorRepo, { recursive: true, force: true });

  // publish and diff, from the publish helper's library.
  const publish = optionalModule('publish/publish');
  const repo = path.join(work, 'publish-repo');
  if (publish.mod?.publishTree) {
    const pub = (t: RenderedTree) => publish.mod.publishTree({ cwd: repo, env: GIT_ENV, tree: t, sourceSha: undefined });
    out.publishFirst = { ms: await timeReps(reps, () => pub(tree), () => freshRepo(repo)) };
    out.publishNoop = { ms: await timeReps(reps, () => pub(tree)) };
    out.publishOneApp = { ms: await timeReps(reps, rep => pub(rep % 2 ? tree : changedTree)), note: `${delta.size} file(s) changed` };
    // Leave the branch at `tree`; diff the one-app change against it.
    await pub(tree);
  } else {
    out.publishFirst = out.publishNoop = out.publishOneApp = { skipped: publish.why ?? 'publishTree is not exported' };
  }
  const diff = optionalModule('publish/diff');
  if (diff.mod?.diffBranch && publish.mod?.publishTree) {
    let changed = 0;
    out.diffOneApp = {
      ms: await timeReps(reps, async () => {
        changed = (await diff.mod.diffBranch({ cwd: repo, env: GIT_ENV, tree: changedTree })).changedFiles.length;
      }),
    };
    (out.diffOneApp as any).note = `diffBranch against the branch; ${changed} changed file(s)`;
  } else {
    out.diffOneApp = { skipped: diff.why ?? publish.why ?? 'diffBranch is not exported' };
  }
  if (diff.mod?.diffTrees) out.diffTreesOneApp = { ms: await timeReps(reps, () => diff.mod.diffTrees(tree, changedTree)), note: 'in memory, no git' };
  fs.rmSync(repo, { recursive: true, force: true });

  const result = { apps, reps, files, maxRssMiB: process.resourceUsage().maxRSS / 1024, phases: out };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch(e => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
