import { App } from 'cdk8s';
import { AppChart } from '../../src/constructs/app-chart';
import { Environment, EnvironmentProps } from '../../src/constructs/environment';
import { GitOpsApp, GitOpsAppProps } from '../../src/constructs/gitops-app';
import { WebServiceProps } from '../../src/constructs/web-service';
import { ValidationError } from '../../src/errors';
import { ImageRef } from '../../src/image-ref';
import { renderFiles } from '../../src/testing';

export const IMAGE = ImageRef.parse('ghcr.io/example/hello:6f1ed002ab5595859014ebf0951522d9b6c7e8e4');

/** A fresh app with one environment and one app chart. */
export function appWith(envProps: EnvironmentProps = {}, appName = 'hello', appProps: GitOpsAppProps = {}) {
  const app = new GitOpsApp({ outdir: '/nonexistent/never-written', ...appProps });
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

/** The problem lines synth reports for `app` (rendering must fail with a ValidationError). */
export function synthProblems(app: App): string[] {
  try {
    renderFiles(app);
  } catch (e) {
    if (e instanceof ValidationError) return e.message.split('\n');
    throw e;
  }
  throw new Error('synth succeeded but problems were expected');
}
