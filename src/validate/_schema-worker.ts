// The schema part of the validation gate, run in a worker thread while the
// main thread renders the next charts (see `BackgroundSchemaChecks`). Built
// beside the module that starts it: lib/validate/_schema-worker.js in the
// package, .prebuilt/_schema-worker.js beside the app command's bundle.
import { MessagePort, parentPort, workerData } from 'worker_threads';
import type { SchemaResult } from './_schemas';

const { kubernetesVersion, flag, port } = workerData as { kubernetesVersion: string; flag: SharedArrayBuffer; port: MessagePort };
const done = new Int32Array(flag);
const results: [string, SchemaResult][] = [];

/** Replies on the port the main thread reads synchronously, then wakes it. */
function finish(reply: object): void {
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}

// A thread that ends without answering (an uncaught error, a failure to load
// the schema code) still wakes the main thread, which then checks in-thread:
// it blocks on `done` at the gate and cannot see this thread's 'error' event.
process.on('exit', () => {
  if (Atomics.load(done, 0) === 0) {
    Atomics.store(done, 0, 2);
    Atomics.notify(done, 0);
  }
});
// Loaded after the handler above is in place.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { schemaResult } = require('./_schemas') as typeof import('./_schemas');

parentPort!.on('message', (m: { batch?: [string, unknown, boolean][]; end?: true }) => {
  try {
    for (const [file, obj, kustomization] of m.batch ?? []) {
      const r = schemaResult(obj, kustomization, kubernetesVersion);
      // Only what the main thread reports: no schema for the kind, or violations.
      if (r === null || (r !== undefined && r.length)) results.push([file, r]);
    }
    if (m.end) finish({ results });
  } catch (e) {
    finish({ error: String((e as Error)?.stack ?? e) });
  }
});
