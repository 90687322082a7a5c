import { App } from 'cdk8s';
import { GitOpsApp } from './constructs/gitops-app';
import { renderApp } from './render/render';

/**
 * Renders an app to `{ 'dev/hello/deployment-hello.yaml': '<yaml>' }`, exactly
 * the files that land on the rendered branch, for jest snapshots. Writes
 * nothing; a GitOpsApp's gates run as in `synth()`.
 */
export function renderFiles(app: App): Record<string, string> {
  return Object.fromEntries(app instanceof GitOpsApp ? app.render() : renderApp(app));
}
