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
// also writes its fixes (as `eslint --fix` did), with programs of its own
// (see `lint`); under CI=true it only reports, so a fixable problem fails CI
// instead of passing on a copy.
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
  const options = { cwd: ROOT, extensions: ['.ts', '.tsx'], errorOnUnmatchedPattern: false };
  const eslint = new LegacyESLint({
    ...options,
    overrideConfig: { parserOptions: { programs: [program], project: null, projectService: null } },
  });
  let results = await eslint.lintFiles(patterns);
  const fixable = results.filter(r => r.fixableErrorCount + r.fixableWarningCount > 0).map(r => r.filePath);
  if (process.env.CI !== 'true' && fixable.length > 0) {
    // ESLint fixes a file in passes, linting each pass's text again. The shared
    // program holds the text before the first fix, so a second pass would read
    // the fixed text at the old positions (and write a garbled file): the fixes
    // are made by an ESLint with the config's own project service, which
    // follows the text, for the fixable files only.
    const fixer = new LegacyESLint({ ...options, fix: true });
    const fixed = await fixer.lintFiles(fixable);
    await LegacyESLint.outputFixes(fixed);
    const after = new Map(fixed.map(r => [r.filePath, r]));
    results = results.map(r => after.get(r.filePath) ?? r);
  }
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
