import { stripUrlUserInfo } from '../git-url';
import { PublishRefusedError } from './publish-error';
import { Problem } from '../errors';

/**
 * Checks of user values (branch, remote, commit ids) made before any of them
 * reaches git. Git reads a value starting with `-` as an option
 * (`--upload-pack=<command>` runs a command) and `<transport>::<address>` as
 * a remote helper (`ext::<command>` runs one), so both are refused here, in
 * the library, and every git call also passes user values after
 * `--end-of-options`.
 */

/** URL schemes a remote may use (git's own transports that run no local command). */
export const ALLOWED_TRANSPORTS = ['https', 'ssh', 'git', 'file', 'git+ssh', 'ssh+git'] as const;

/** The value of `GIT_ALLOW_PROTOCOL` for fetches and pushes: git itself refuses any other transport. */
export const GIT_ALLOW_PROTOCOL = 'https:ssh:git:file';

const FIX_REMOTE = 'Pass a configured remote name (git remote -v), a path, or an https://, ssh://, git:// or file:// URL (or user@host:path)';

/**
 * Why `name` is not a branch name git accepts (the rules of
 * `git check-ref-format --branch`), or undefined. Checked without running git.
 */
export function branchNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.startsWith('-')) return "it starts with '-' (git would read it as an option)";
  // eslint-disable-next-line no-control-regex
  const bad = /[\x00-\x20\x7f~^:?*[\\]/.exec(name);
  if (bad) return `it contains ${JSON.stringify(bad[0])} (no spaces, control characters or any of ~ ^ : ? * [ \\)`;
  if (name.includes('..')) return "it contains '..'";
  if (name.includes('@{')) return "it contains '@{'";
  if (name === '@' || name === 'HEAD') return `'${name}' is reserved by git`;
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return "it starts or ends with '/' or contains '//'";
  if (name.endsWith('.')) return "it ends with '.'";
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `its part '${part}' starts with '.'`;
    if (part.endsWith('.lock')) return `its part '${part}' ends with '.lock'`;
  }
  return undefined;
}

/** Why `remote` must not be handed to git, or undefined. Does not check that a name is configured. */
export function remoteProblem(remote: string): string | undefined {
  if (remote === '') return 'it is empty';
  if (remote.startsWith('-')) return "it starts with '-' (git would read it as an option)";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(remote)) return 'it contains a control character';
  const helper = /^([A-Za-z0-9][A-Za-z0-9+.-]*)::/.exec(remote);
  if (helper) return `it names the remote helper '${helper[1]}::', which can run any command`;
  const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^/@]*)@)?([^/:]*)/.exec(remote);
  if (url) {
    const scheme = url[1].toLowerCase();
    if (!(ALLOWED_TRANSPORTS as readonly string[]).includes(scheme)) return `its transport '${url[1]}://' is not allowed`;
    if (url[2]?.startsWith('-') || url[3].startsWith('-')) return "its user or host starts with '-' (ssh would read it as an option)";
    return undefined;
  }
  const scp = /^(?:([^@/:]*)@)?([^/:]+):/.exec(remote);
  if (scp && !/^[A-Za-z]:[\\/]/.test(remote)) {
    if (scp[1]?.startsWith('-') || scp[2].startsWith('-')) return "its user or host starts with '-' (ssh would read it as an option)";
  }
  return undefined;
}

/** A 4-to-64-digit hex commit id, or undefined. */
export function isCommitId(value: string): boolean {
  return /^[0-9a-fA-F]{4,64}$/.test(value);
}

/** The user values of one call, each with the option that set it (for messages). */
export interface UserValues {
  readonly branch?: string;
  readonly remote?: string;
  readonly pushTo?: string;
}

/**
 * Refuses bad user values, all of them at once, before any git process is
 * started: branch names git would refuse, remotes that are options, remote
 * helpers or transports not allowed. Throws a {@link PublishRefusedError}.
 */
export function checkUserValues(values: UserValues): void {
  const problems: Problem[] = [];
  const branch = (option: string, v: string | undefined) => {
    const why = v === undefined ? undefined : branchNameProblem(v);
    if (why) {
      problems.push({
        path: '',
        message: `${option} ${JSON.stringify(v)} is not a valid branch name: ${why}. `
        + 'Pass a name git check-ref-format --branch accepts, e.g. rendered-manifests or rendered/prod',
      });
    }
  };
  branch('--branch', values.branch);
  branch('--push-to', values.pushTo);
  if (values.pushTo !== undefined && values.pushTo === values.branch) {
    problems.push({ path: '', message: `--push-to ${JSON.stringify(values.pushTo)} is the rendered branch itself: pass another branch (e.g. ${values.branch}-next), or use --push alone` });
  }
  if (values.remote !== undefined) {
    const why = remoteProblem(values.remote);
    if (why) problems.push({ path: '', message: `--remote ${JSON.stringify(values.remote)} is refused: ${why}. ${FIX_REMOTE}` });
  }
  if (problems.length) throw new PublishRefusedError(problems.some(p => p.message.startsWith('--remote')) ? 'bad-remote' : 'bad-branch-name', problems);
}

/** Refuses a configured remote URL that uses a transport not allowed (`ext::`, `fd::`, `http://`, ...). */
export function checkRemoteUrl(remote: string, url: string): void {
  const why = remoteProblem(url);
  if (why) {
    throw new PublishRefusedError('bad-remote', `remote '${remote}' is refused: its URL ${JSON.stringify(stripUrlUserInfo(url))} is not allowed: ${why}. `
      + `Set an allowed URL with git remote set-url ${remote} <url>. ${FIX_REMOTE}`);
  }
}
