// The schema part of the validation gate, run in a worker thread while the
// main thread renders the next charts (see `BackgroundSchemaChecks`). Built
// beside the module that starts it: lib/validate/_schema-worker.js in the
// package, .prebuilt/_schema-worker.js beside the app command's bundle.
import { MessagePort, parentPort, workerData } from 'worker_threads';
import { schemaResult, SchemaResult } from './_schemas';

const { kubernetesVersion, flag, port } = workerData as { kubernetesVersion: string; flag: SharedArrayBuffer; port: MessagePort };
const done = new Int32Array(flag);
const results: [string, SchemaResult][] = [];

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

/** Replies on the port the main thread reads synchronously, then wakes it. */
function finish(reply: object): void {
  port.postMessage(reply);
  Atomics.store(done, 0, 1);
  Atomics.notify(done, 0);
}
