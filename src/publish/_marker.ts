import { VERSION } from '../version';

/** The ownership marker file at the root of a rendered branch. */
export const MARKER_FILE = '.cdk8s-gitops';

/**
 * The marker's content. It carries no version, so upgrading cdk8s-gitops
 * does not by itself make a commit.
 */
export const MARKER_CONTENT = [
  '# This branch is written by cdk8s-gitops (https://www.npmjs.com/package/cdk8s-gitops).',
  '# Do not edit it by hand: every publish replaces the whole tree.',
  '# Change the source, render, and run `cdk8s-gitops publish` instead.',
  '',
].join('\n');

/** The trailer on every commit publish makes. */
export const RENDERED_BY = 'Rendered-By';
/** The value of the `Rendered-By` trailer. */
export const RENDERED_BY_VALUE = `cdk8s-gitops/${VERSION}`;
