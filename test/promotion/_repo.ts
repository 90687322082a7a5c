import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebService } from '../../src/constructs/web-service';
import { ImagePins } from '../../src/pins/image-pins';
import { publishTree } from '../../src/publish/publish';
import { RenderedTree } from '../../src/render/tree';
import { toYaml } from '../../src/yaml';
import { tmpDir } from '../support/tools';

export const PIPELINE = `# stages in order
stages:
  - name: dev
  - name: staging
    soak: 1h
  - name: prod
    after: staging
    soak: 24h
    approval: true
`;

/** `ghcr.io/example/<app>:<tag>`. */
export function img(app: string, tag: string): string {
  return `ghcr.io/example/${app}:${tag}`;
}

/** Hours after the start of the fixed test clock, as a Date. */
export function at(hours: number): Date {
  return new Date(Date.UTC(2026, 0, 10, 0, 0, 0) + hours * 3_600_000);
}

/**
 * A source repository with images.yaml and pipeline.yaml, whose rendered
 * branch is built the way CI builds it: edit the pins, commit, render with
 * the real constructs, publish with the real publisher — each step at a
 * chosen committer date, so soak times are exact without sleeping.
 */
export class PromotionRepo {
  public readonly dir: string;
  public readonly env: Record<string, string>;
  private readonly cleanupFn: () => void;
  private readonly stages: readonly string[];

  constructor(stages: readonly string[] = ['dev', 'staging', 'prod'], pipeline: string = PIPELINE, from?: PromotionRepo) {
    const { dir, cleanup } = tmpDir('cdk8s-gitops-promotion-');
    this.cleanupFn = cleanup;
    this.stages = stages;
    this.dir = path.join(dir, 'src');
    this.env = {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: path.join(dir, 'no-global-gitconfig'),
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.com',
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.com',
      NO_COLOR: '1',
    };
    if (from) {
      // A copy of another repository (cheaper than replaying its history).
      fs.cpSync(from.dir, this.dir, { recursive: true });
      return;
    }
    fs.mkdirSync(this.dir);
    this.git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(this.dir, 'pipeline.yaml'), pipeline);
    fs.writeFileSync(path.join(this.dir, '.gitignore'), '/dist/\n');
  }

  /** Runs git in the source repository; returns trimmed stdout. */
  public git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, env: this.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  }

  /** The pins file's text. */
  public pinsText(): string {
    return fs.readFileSync(path.join(this.dir, 'images.yaml'), 'utf8');
  }

  /** Writes images.yaml from `{ app: { stage: image } }` and commits it at `date`. */
  public commitPins(pins: Record<string, Record<string, string>>, date: Date, message = 'chore(images): pin'): void {
    fs.writeFileSync(path.join(this.dir, 'images.yaml'), `# pins\n${toYaml(pins)}`);
    const d = date.toISOString();
    this.git('add', '-A');
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], {
      cwd: this.dir, env: { ...this.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d }, stdio: 'ignore',
    });
  }

  /** The rendered tree of `pinsText` (default: the committed images.yaml), with the real constructs. */
  public render(pinsText: string = this.git('show', 'HEAD:images.yaml') + '\n'): RenderedTree {
    const pins = ImagePins.parse(pinsText);
    const app = new GitOpsApp({ pins });
    for (const stage of this.stages) {
      const apps = pins.apps().filter(a => pins.get(a, stage));
      if (apps.length === 0) continue;
      const env = new Environment(app, stage, { namespace: `${stage}-ns` });
      for (const name of apps) new WebService(new AppChart(env, name), 'web', { port: 8080 });
    }
    return app.render();
  }

  /** Renders the committed pins and publishes them to the rendered branch at `date`. */
  public async publish(date: Date): Promise<void> {
    const d = date.toISOString();
    await publishTree({ tree: this.render(), cwd: this.dir, env: { ...this.env, GIT_COMMITTER_DATE: d, GIT_AUTHOR_DATE: d } });
  }

  /** Pins, commits and publishes at `date` (what CI does after a merge). */
  public async release(pins: Record<string, Record<string, string>>, date: Date): Promise<void> {
    this.commitPins(pins, date);
    await this.publish(date);
  }

  /** Runs the CLI in-process in the source repository. */
  public async cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: t => { out += t; }, err: t => { err += t; }, cwd: this.dir, env: this.env, isTTY: false });
    return { code, out, err };
  }

  /** An independent copy of this repository and its history. */
  public copy(): PromotionRepo {
    return new PromotionRepo(this.stages, PIPELINE, this);
  }

  public cleanup(): void {
    this.cleanupFn();
  }
}
