import { App } from 'cdk8s';
import { renderApp } from './render/render';

/**
 * Renders an app to `{ 'dev/hello/deployment-hello.yaml': '<yaml>' }`, exactly
 * the files that land on the rendered branch, for jest snapshots. Writes nothing.
 */
export function renderFiles(app: App): Record<string, string> {
  const tree = 'render' in app && typeof (app as any).render === 'function' ? (app as any).render() : renderApp(app);
  return Object.fromEntries(tree);
}
