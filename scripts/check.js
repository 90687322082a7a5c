// `npm test`'s static checks in one process: TypeScript type-checks every
// project of the repo (src/ and imports/, test/, bench/, projenrc/ and
// .projenrc.ts) as one program, then ESLint lints the same files with that
// program for its type-aware rules (typescript-eslint's `programs` option).
//
// Run apart, `tsc -p test/tsconfig.json` and `eslint` (whose projectService
// builds a program per tsconfig) parsed and checked src/ three times: 41 s of
// CPU, against 28 s here. Emitting lib/ stays with `tsc --build --noCheck`,
// which runs before jest (the CLI tests run lib/); this runs beside jest.
//
// Prints every problem of both tools, then exits 1 if there was an error
// (ESLint warnings are printed only, as `eslint` does). Outside CI, ESLint
// also writes its fixes (as `eslint --fix` did); under CI=true it only
// reports, so a fixable problem fails CI instead of passing on a copy.
//
// Usage: `node scripts/check.js <lint patterns...>` (`npx projen check`
// passes the eslint task's patterns: src test bench ...).
'use strict';
const path = require('path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..');
/** The tsconfig files whose files make the program; the root one also gives its options. */
const PROJECTS = ['tsconfig.json', 'test/tsconfig.json', 'bench/tsconfig.json', 'projenrc/tsconfig.json'];

function parseConfig(file) {
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: d => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, file), {}, host);
  if (parsed.errors.length > 0) throw new Error(ts.formatDiagnostics(parsed.errors, formatHost()));
  return parsed;
}

function formatHost() {
  return { getCanonicalFileName: f => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
}

/** One program holding every project's files, with the root tsconfig's options. */
function createProgram() {
  const [root, ...others] = PROJECTS.map(parseConfig);
  const names = new Set([root, ...others].flatMap(p => p.fileNames).map(f => path.resolve(f)));
  names.add(path.join(ROOT, '.projenrc.ts'));
  return ts.createProgram({ rootNames: [...names].sort(), options: { ...root.options, noEmit: true } });
}

async function lint(program, patterns) {
  const { LegacyESLint } = require('eslint/use-at-your-own-risk');
  const fix = process.env.CI !== 'true';
  const eslint = new LegacyESLint({
    cwd: ROOT,
    extensions: ['.ts', '.tsx'],
    errorOnUnmatchedPattern: false,
    fix,
    overrideConfig: { parserOptions: { programs: [program], project: null, projectService: null } },
  });
  const results = await eslint.lintFiles(patterns);
  if (fix) await LegacyESLint.outputFixes(results);
  const formatter = await eslint.loadFormatter('stylish');
  return { text: await formatter.format(results), errors: results.reduce((n, r) => n + r.errorCount, 0) };
}

async function main() {
  const patterns = process.argv.slice(2);
  if (patterns.length === 0) throw new Error('usage: node scripts/check.js <lint patterns...> (npx projen check)');
  const program = createProgram();
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    const color = process.stdout.isTTY && !process.env.NO_COLOR;
    process.stdout.write((color ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics)(diagnostics, formatHost()));
    process.stdout.write(`\ntsc: ${diagnostics.length} error(s)\n`);
  }
  const linted = await lint(program, patterns);
  if (linted.text) process.stdout.write(linted.text);
  const failed = diagnostics.length > 0 || linted.errors > 0;
  if (!failed) process.stdout.write('tsc and eslint: no errors\n');
  process.exitCode = failed ? 1 : 0;
}

main().catch(err => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exitCode = 1;
});
