/** Documented exit codes of every `cdk8s-gitops` command. */
export enum ExitCode {
  /** Done, including "nothing to do". */
  OK = 0,
  /** The check found problems, or there are changes and `--exit-code` was given. */
  FINDINGS = 1,
  /** Bad usage or bad input (arguments, files, props). */
  USAGE = 2,
  /** The environment failed: git, network, a missing tool, the file system. */
  ENVIRONMENT = 3,
  /** A bug in cdk8s-gitops: the stack trace is printed; please report it. */
  INTERNAL = 4,
}

export const EXIT_CODES_HELP = `
Exit codes:
  0  done (including "nothing to do")
  1  the check found problems, or changes with --exit-code
  2  bad usage or input
  3  environment failure (git, network, missing tool)
  4  internal error (a bug: please report it with the printed stack)`;
