import { AppChart } from '../../src/constructs/app-chart';
import { Environment, EnvironmentProps } from '../../src/constructs/environment';
import { GitOpsApp } from '../../src/constructs/gitops-app';
import { WebServiceProps } from '../../src/constructs/web-service';
import { ImageRef } from '../../src/image-ref';

export const IMAGE = ImageRef.parse('ghcr.io/example/hello:6f1ed002ab5595859014ebf0951522d9b6c7e8e4');

/** A fresh app with one environment and one app chart. */
export function appWith(envProps: EnvironmentProps = {}, appName = 'hello') {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written' });
  const env = new Environment(app, 'dev', { namespace: 'hello-dev', ...envProps });
  const chart = new AppChart(env, appName);
  return { app, env, chart };
}

export function props(extra: Partial<WebServiceProps> = {}): WebServiceProps {
  return { image: IMAGE, ...extra };
}

/** Objects of the rendered files, keyed by file path. */
export function objects(files: Record<string, string>): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml');
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, parse(v)]));
}
