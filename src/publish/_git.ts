import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import { redactUrlsInText } from '../git-url';
import { PublishError } from './publish-error';

/** The result of one git process. */
export interface GitResult {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** A git process started by {@link Git.open}, waiting for its input. */
export interface PendingGit {
  /** The process's outcome, as {@link Git.run} gives it. */
  readonly result: Promise<GitResult>;
  /** Writes `input` (default nothing) to the process's stdin and closes it. */
  end(input?: Buffer | string): void;
}

/** Options of one git call. */
export interface GitCallOptions {
  /** Bytes or text written to stdin. */
  readonly input?: Buffer | string;
  /** Extra environment for this call only. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Return non-zero exits instead of throwing. */
  readonly allowFailure?: boolean;
}

/**
 * Runs git in one repository with a fixed environment: never prompts on a
 * terminal (use GIT_ASKPASS or a credential helper), English messages, no
 * pager, no optional locks on the user's index.
 */
export class Git {
  private readonly env: Record<string, string | undefined>;
  constructor(public readonly cwd: string, env: Readonly<Record<string, string | undefined>>) {
    this.env = {
      ...env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_OPTIONAL_LOCKS: '0',
      GIT_PAGER: 'cat',
      LC_ALL: 'C',
      LANGUAGE: 'C',
    };
    // A rendered branch must not be shaped by a user's commit hooks or editor.
    delete this.env.GIT_INDEX_FILE;
    delete this.env.GIT_DIR;
    delete this.env.GIT_WORK_TREE;
  }

  /** Runs `git args...`; throws a PublishError (stderr redacted) on a non-zero exit unless allowed. */
  public run(args: readonly string[], options: GitCallOptions = {}): Promise<GitResult> {
    const call = this.open(args, options);
    call.end(options.input ?? '');
    return call.result;
  }

  /**
   * Starts `git args...` now and writes its stdin later (`end`): the process
   * starts up while the caller works. `result` is as {@link run}'s. The
   * caller must `end` every call (a git process waiting for its input keeps
   * this one running); calls after the first do nothing.
   */
  public open(args: readonly string[], options: Omit<GitCallOptions, 'input'> = {}): PendingGit {
    let child: ChildProcessWithoutNullStreams | undefined;
    const result = new Promise<GitResult>((resolve, reject) => {
      const proc = child = spawn('git', args as string[], {
        cwd: this.cwd,
        env: { ...this.env, ...(options.env ?? {}) } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      proc.stdout.on('data', (d: Buffer) => out.push(d));
      proc.stderr.on('data', (d: Buffer) => err.push(d));
      proc.on('error', e => reject(new PublishError('git', `cannot run git: ${e.message} (is git installed and on PATH?)`, { cause: e })));
      proc.stdin.on('error', () => { /* the exit code reports the failure */ });
      proc.on('close', code => {
        const done = { code: code ?? 128, stdout: Buffer.concat(out), stderr: redactUrlsInText(Buffer.concat(err).toString('utf8')) };
        if (done.code !== 0 && !options.allowFailure) {
          reject(new PublishError('git', `git ${describe(args)} failed (exit ${done.code}): ${done.stderr.trim() || '(no output)'}`));
        } else {
          resolve(done);
        }
      });
    });
    let ended = false;
    return {
      result,
      end: (input: Buffer | string = '') => {
        if (ended) return;
        ended = true;
        child?.stdin.end(input);
      },
    };
  }

  /** Starts `git args...` with piped stdio (for long-lived batch processes). */
  public start(args: readonly string[]): ChildProcessWithoutNullStreams {
    return spawn('git', args as string[], { cwd: this.cwd, env: this.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /** Runs git and returns trimmed stdout text. */
  public async text(args: readonly string[], options: GitCallOptions = {}): Promise<string> {
    return (await this.run(args, options)).stdout.toString('utf8').trim();
  }
}

/** The git subcommand of `args` (skipping `-c key=value` pairs), for messages. */
function describe(args: readonly string[]): string {
  let i = 0;
  while (i < args.length && args[i].startsWith('-')) i += args[i] === '-c' ? 2 : 1;
  return args[i] ?? '';
}
