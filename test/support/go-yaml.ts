import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** What Go's sigs.k8s.io/yaml made of one document: its JSON value, or the parse error. */
export type GoYamlResult = { ok: true; value: unknown } | { ok: false; error: string };

const SOURCE = path.join(__dirname, 'go-yaml', 'main.go');
const GOPATH = '/usr/share/gocode';
const PACKAGES = ['sigs.k8s.io/yaml', 'gopkg.in/yaml.v2'];

let built: string | undefined | null = null;

/**
 * Builds (once per source hash, cached under the OS temp dir) the Go YAML
 * oracle and returns its path; `undefined` when Go or Debian's YAML packages
 * are missing. Under CI=true a missing tool throws (`.ci/run` installs them);
 * elsewhere the reason is printed and the caller skips visibly.
 */
export function goYamlOracle(): string | undefined {
  if (built !== null) return built;
  const missing = [
    ...(hasGo() ? [] : ['golang-go']),
    ...PACKAGES.filter(p => !fs.existsSync(path.join(GOPATH, 'src', p))).map(p => `${p} (${p.startsWith('sigs') ? 'golang-k8s-sigs-yaml-dev' : 'golang-gopkg-yaml.v2-dev'})`),
  ];
  if (missing.length) {
    const why = `the Go YAML oracle needs ${missing.join(', ')}`;
    if (process.env.CI === 'true') throw new Error(`${why}: required under CI=true (.ci/run installs them)`);
    // eslint-disable-next-line no-console
    console.warn(`skipping tests that need the Go YAML parser: ${why}`);
    built = undefined;
    return built;
  }
  const source = fs.readFileSync(SOURCE);
  const hash = createHash('sha256').update(source).update(goVersion()).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `cdk8s-gitops-go-yaml-${hash}`);
  const bin = path.join(dir, 'go-yaml');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const work = fs.mkdtempSync(path.join(dir, 'build-'));
    fs.copyFileSync(SOURCE, path.join(work, 'main.go'));
    const tmpBin = path.join(work, 'go-yaml');
    execFileSync('go', ['build', '-o', tmpBin, '.'], {
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
      env: { ...process.env, GO111MODULE: 'off', GOPATH, GOCACHE: path.join(dir, 'cache'), GOFLAGS: '' },
    });
    fs.renameSync(tmpBin, bin); // atomic: parallel jest workers never see half a binary
    fs.rmSync(work, { recursive: true, force: true });
  }
  built = bin;
  return built;
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

function goVersion(): string {
  return execFileSync('go', ['version'], { encoding: 'utf8' });
}

/** Parses every document with Go's sigs.k8s.io/yaml (strict, as the API server) in one process. */
export function goParse(oracle: string, documents: readonly string[]): GoYamlResult[] {
  const input = Buffer.concat(documents.flatMap(d => {
    const bytes = Buffer.from(d, 'utf8');
    return [Buffer.from(`${bytes.length}\n`), bytes];
  }));
  const out = execFileSync(oracle, [], { input, maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8', timeout: 60_000 });
  const lines = out.split('\n').filter(l => l);
  if (lines.length !== documents.length) throw new Error(`the Go YAML oracle answered ${lines.length} of ${documents.length} documents`);
  return lines.map(l => {
    const r = JSON.parse(l) as { ok: boolean; json?: unknown; error?: string };
    return r.ok ? { ok: true, value: r.json } : { ok: false, error: r.error ?? '' };
  });
}
