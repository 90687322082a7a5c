/**
 * The estate benchmark: T teams, each its own config repository with N apps
 * in dev, staging and prod, prod on two clusters (4 app folders per app).
 *   node -r esbuild-register bench/estate.ts [--teams 10] [--apps 10,30,100] [--reps 3]
 * For each N it builds, renders and validates (the synth gate's
 * `validateTree` of the rendered objects) every team's repository, one
 * team at a time, in both Argo CD modes, and prints per mode the time, the
 * time per app folder (flat when rendering is linear in apps), and the
 * number of Argo CD objects (in ApplicationSet mode: teams × (1 + envs),
 * whatever N). Writes bench/results/estate.json. `bench/run.ts --estate` runs it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { median, timeReps } from './_util';
import { AppChart, ArgoCd, ArgoMode, Cluster, Environment, GitOpsApp, ImageRef, renderAppDetailed, WebService, validateTree } from '../src';

interface Options { teams: number; apps: number[]; reps: number }

function parseArgs(argv: string[]): Options {
  const opts: Options = { teams: 10, apps: [10, 30, 100], reps: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--teams') opts.teams = Number(v);
    else if (argv[i] === '--apps') opts.apps = v.split(',').map(Number);
    else if (argv[i] === '--reps') opts.reps = Number(v);
    else continue;
    i++;
  }
  if (![opts.teams, opts.reps, ...opts.apps].every(n => Number.isInteger(n) && n > 0)) throw new Error(`--teams, --apps and --reps take positive integers (got ${argv.join(' ')})`);
  return opts;
}

/** Team `t`'s repository: `apps` apps in dev, staging and prod (prod on prod-eu and prod-us). */
export function teamApp(t: number, apps: number, mode: ArgoMode): GitOpsApp {
  const team = `team${t}`;
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written', team });
  const cluster = (name: string, env: string, region: string) => new Cluster(app, `cluster-${name}`, { name, server: `https://${name}.example.com:6443`, labels: { env, region } });
  const envs = [
    new Environment(app, 'dev', { clusters: [cluster('dev', 'dev', 'eu')] }),
    new Environment(app, 'staging', { clusters: [cluster('staging', 'staging', 'eu')] }),
    new Environment(app, 'prod', { clusters: [cluster('prod-eu', 'prod', 'eu'), cluster('prod-us', 'prod', 'us')], replicas: 2, perCluster: { 'prod-us': { replicas: 3 } } }),
  ];
  for (const env of envs) {
    for (const target of env.targets) {
      for (let i = 0; i < apps; i++) {
        new WebService(new AppChart(target, `app${i}`), 'web', { image: ImageRef.parse(`ghcr.io/example/${team}-app${i}:1.0.0`), port: 8080 });
      }
    }
  }
  new ArgoCd(app, 'argocd', { repoURL: `https://github.com/example/${team}-config.git`, mode });
  return app;
}

interface Row { mode: string; apps: number; appFolders: number; files: number; argoObjects: number; ms: number[]; cpuMs: number[]; errors: number }

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const rows: Row[] = [];
  renderAppDetailed(teamApp(0, 1, ArgoMode.APPLICATIONS)); // warm-up: module loading, validator compilation
  for (const apps of opts.apps) {
    for (const mode of [ArgoMode.APPLICATIONS, ArgoMode.APPLICATION_SET]) {
      let files = 0;
      let argoObjects = 0;
      let errors = 0;
      const cpuMs: number[] = [];
      const ms = await timeReps(opts.reps, () => {
        const cpu = process.cpuUsage();
        files = argoObjects = errors = 0;
        for (let t = 0; t < opts.teams; t++) {
          const { tree, objects } = renderAppDetailed(teamApp(t, apps, mode));
          const report = validateTree(tree, { objects });
          errors += report.findings.filter(f => f.severity === 'error').length;
          files += tree.size;
          argoObjects += [...tree.keys()].filter(p => p.startsWith('argocd/') && !p.endsWith('/kustomization.yaml')).length;
        }
        const used = process.cpuUsage(cpu);
        cpuMs.push((used.user + used.system) / 1000);
      }, () => global.gc?.());
      rows.push({ mode, apps, appFolders: opts.teams * apps * 4, files, argoObjects, ms, cpuMs, errors });
      process.stderr.write(`[bench estate] ${opts.teams} teams x ${apps} apps, ${mode}: median ${Math.round(median(ms))} ms wall, ${Math.round(median(cpuMs))} ms CPU\n`);
    }
  }
  const lines = [
    `Estate: ${opts.teams} teams x N apps x (dev, staging, prod on 2 clusters); build + render + validate (synth gate), ${opts.reps} rep(s)`,
    'Wall time suffers from other load on the machine; CPU time (user+system of this process) much less.',
    '| mode | N apps/team | app folders | files | Argo CD objects | wall min / median ms | CPU min / median ms | CPU µs per app folder (median) | error findings |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(r => `| ${r.mode} | ${r.apps} | ${r.appFolders} | ${r.files} | ${r.argoObjects} | ${Math.round(Math.min(...r.ms))} / ${Math.round(median(r.ms))} | ${Math.round(Math.min(...r.cpuMs))} / ${Math.round(median(r.cpuMs))} | ${Math.round(median(r.cpuMs) * 1000 / r.appFolders)} | ${r.errors} |`),
  ];
  for (const mode of [ArgoMode.APPLICATIONS, ArgoMode.APPLICATION_SET]) {
    const [small, big] = [rows.find(r => r.mode === mode)!, [...rows].reverse().find(r => r.mode === mode)!];
    if (small !== big) {
      lines.push(`${mode}: ${big.apps / small.apps}x the apps took ${(Math.min(...big.cpuMs) / Math.min(...small.cpuMs)).toFixed(2)}x the CPU time (min), ${(median(big.ms) / median(small.ms)).toFixed(2)}x the wall time (median); linear: ${big.apps / small.apps}x`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'estate.json'), `${JSON.stringify({ options: opts, rows }, null, 2)}\n`);
}

if (require.main === module) {
  main().catch(e => {
    process.stderr.write(`[bench estate] harness failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
