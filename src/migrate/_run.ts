import * as path from 'path';
import { parse } from 'yaml';
import { EnvironmentError } from '../errors';

/** The objects a generated program renders: tree path → object (kustomization files left out). */
export type RenderedObjects = Map<string, Record<string, any>>;

/** What running a generated program produced. */
export interface GeneratedRun {
  /** Its objects, by tree path (kustomization files left out). */
  readonly objects: RenderedObjects;
  /** The whole rendered tree (path → text), as its synth would write it. */
  readonly tree: ReadonlyMap<string, string>;
  /** True when the program's GitOpsApp keeps the validation gate on (no `validate: false`). */
  readonly gateOn: boolean;
}

function typescript(): typeof import('typescript') {
  try {
    // Loaded lazily and only by migrate: projects that write cdk8s code in TypeScript have it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('typescript');
  } catch (e) {
    throw new EnvironmentError('migrate needs the "typescript" package to check the generated code: npm install --save-dev typescript', { cause: e });
  }
}

/**
 * Transpiles the generated program and runs it in-process against this
 * library (whatever its import specifier), capturing what `app.synth()`
 * would write instead of writing it. Returns every rendered object.
 */
export function renderGeneratedCode(code: string, importFrom: string): RenderedObjects {
  return runGeneratedCode(code, importFrom).objects;
}

/**
 * Like `renderGeneratedCode`, and also returns the rendered tree and whether
 * the program keeps the validation gate on (the gate itself is not run here).
 */
export function runGeneratedCode(code: string, importFrom: string): GeneratedRun {
  const ts = typescript();
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    fileName: 'migrated.ts',
  }).outputText;
  // The names a generated program imports from this library: the constructs and
  // ImageRef (not the package barrel, which imports migrate itself).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lib = { ...require('../constructs'), ...require('../image-ref') };
  let captured: Map<string, string> | undefined;
  let gateOn = true;
  class CapturingApp extends lib.GitOpsApp {
    // The round trip compares fields; migrate runs the gate on the final tree itself.
    constructor(props: Record<string, unknown> = {}) {
      super({ ...props, validate: false });
      gateOn = props.validate !== false;
    }

    public synth(): void {
      captured = this.render();
    }
  }
  const sandboxLib = { ...lib, GitOpsApp: CapturingApp };
  const sandboxRequire = (id: string) => {
    if (id === importFrom || id === 'cdk8s-gitops' || path.resolve(id) === path.resolve(importFrom)) return sandboxLib;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  };
  const module = { exports: {} };
  // The code is our own output, run to verify it (never user-supplied code).
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('require', 'module', 'exports', js)(sandboxRequire, module, module.exports);
  if (!captured) throw new Error('the generated program did not call app.synth()');
  const out: RenderedObjects = new Map();
  for (const [file, content] of captured) {
    if (path.posix.basename(file) === 'kustomization.yaml') continue;
    out.set(file, parse(content));
  }
  return { objects: out, tree: captured, gateOn };
}
