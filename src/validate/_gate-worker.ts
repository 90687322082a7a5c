// The per-folder part of the validation gate (schemas, object identity,
// waivers, the policy rules that look at one folder), run in a worker thread
// while the main thread renders the next charts (see `BackgroundChecks`);
// it also emits and writes the files handed to it to write, into the staging
// folders of the output (`writeTo`). Built beside the module that starts it:
// lib/validate/_gate-worker.js in the package, .prebuilt/_gate-worker.js
// beside the app command's bundle.
import { MessagePort, parentPort, workerData } from 'worker_threads';
import type { WorkerResults } from './_background-checks';
import type { FolderCheckOptions, FolderChecks } from './_folder-checks';

const { options, writeTo, flag, port } = workerData as { options: FolderCheckOptions; writeTo: string[]; flag: SharedArrayBuffer; port: MessagePort };
const done = new Int32Array(flag);
const found: FolderChecks = { findings: [], identities: [], facts: [] };
let writeError: string | undefined;
let writeErrorDir: string | undefined;

/** Replies on the port the main thread reads synchronously, then wakes it. */
function finish(reply: object): void {
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

// A thread that ends without answering (an uncaught error, a failure to load
// the checks' code) still wakes the main thread, which then checks in-thread:
// it blocks on `done` at the gate and cannot see this thread's 'error' event.
process.on('exit', () => {
  if (Atomics.load(done, 0) === 0) {
    Atomics.store(done, 0, 2);
    Atomics.notify(done, 0);
  }
});
// Loaded after the handler above is in place.
/* eslint-disable @typescript-eslint/no-require-imports */
const { checkFolderBatch } = require('./_folder-checks') as typeof import('./_folder-checks');
const { safeJoin, writeFileIn } = require('../render/tree') as typeof import('../render/tree');
const { toYaml } = require('../yaml/emit') as typeof import('../yaml/emit');
/* eslint-enable @typescript-eslint/no-require-imports */
const made = new Set<string>();

/** Emits and writes one file into every staging folder; the first failure is kept (and ends the writing). */
function write(file: string, obj: unknown): void {
  if (writeError !== undefined) return;
  const text = toYaml(obj);
  for (const dir of writeTo) {
    try {
      writeFileIn(safeJoin(dir, file), text, made);
    } catch (e) {
      writeError = (e as Error)?.message ?? String(e);
      writeErrorDir = dir;
      return;
    }
  }
}

parentPort!.on('message', (m: { batch?: [string, unknown, boolean][]; end?: true }) => {
  try {
    if (m.batch) {
      for (const [file, obj, toWrite] of m.batch) if (toWrite) write(file, obj);
      const r = checkFolderBatch(m.batch, options);
      found.findings.push(...r.findings);
      found.identities.push(...r.identities);
      found.facts.push(...r.facts);
      // What the main thread reads to decide whether to hand the next charts over (see `BackgroundChecks.backlog`).
      Atomics.add(done, 1, m.batch.length);
    }
    if (m.end) finish({ found, ...(writeError !== undefined ? { writeError, writeErrorDir } : {}) } satisfies WorkerResults);
  } catch (e) {
    finish({ error: String((e as Error)?.stack ?? e) });
  }
});
