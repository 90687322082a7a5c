import * as fs from 'fs';
import * as path from 'path';
import type { MessagePort, Worker } from 'worker_threads';
import type { SchemaResult } from './_schemas';
import { isKustomizationFile } from './validate-tree';

/** Files per message to the worker (each message costs the worker a wake-up). */
const BATCH = 256;

/** How long the main thread waits for the worker's results before checking in-thread instead. */
const WAIT_MS = 120_000;

/**
 * The validation gate's schema checks run in a worker thread, fed the
 * rendered objects chart by chart while the main thread renders the next
 * ones. `results()` blocks until the worker has checked everything it was
 * given; `undefined` from `start` or `results` means "check in-thread"
 * (no worker script beside this module, e.g. running from TypeScript
 * sources, or the worker failed), with the same findings either way.
 */
export class BackgroundSchemaChecks {
  /** Starts the worker, or `undefined` when it cannot run here. */
  public static start(kubernetesVersion: string): BackgroundSchemaChecks | undefined {
    const script = path.join(__dirname, '_schema-worker.js');
    if (process.env.CDK8S_GITOPS_SCHEMA_WORKER === '0' || !fs.existsSync(script)) return undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wt = require('worker_threads') as typeof import('worker_threads');
      const flag = new SharedArrayBuffer(4);
      const { port1, port2 } = new wt.MessageChannel();
      const worker = new wt.Worker(script, { workerData: { kubernetesVersion, flag, port: port2 }, transferList: [port2] });
      worker.unref();
      return new BackgroundSchemaChecks(wt, worker, port1, new Int32Array(flag));
    } catch {
      return undefined;
    }
  }

  private readonly files = new Set<string>();
  private pending: [string, unknown, boolean][] = [];

  private constructor(
    private readonly wt: typeof import('worker_threads'),
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly done: Int32Array,
  ) {}

  /** Hands one chart's rendered objects (file → object) to the worker (a message per `BATCH` files). */
  public add(batch: [string, unknown][]): void {
    for (const [file, obj] of batch) {
      this.files.add(file);
      this.pending.push([file, obj, isKustomizationFile(file)]);
    }
    if (this.pending.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending.length) this.worker.postMessage({ batch: this.pending });
    this.pending = [];
  }

  /** Every file handed over → its result; `undefined` if the worker failed (check in-thread). */
  public results(): Map<string, SchemaResult> | undefined {
    try {
      this.flush();
      this.worker.postMessage({ end: true });
      if (Atomics.wait(this.done, 0, 0, WAIT_MS) === 'timed-out') return undefined;
      const reply = this.wt.receiveMessageOnPort(this.port)?.message as { results?: [string, SchemaResult][] } | undefined;
      if (!reply?.results) return undefined;
      const out = new Map<string, SchemaResult>();
      for (const f of this.files) out.set(f, []);
      for (const [f, r] of reply.results) out.set(f, r);
      return out;
    } finally {
      this.stop();
    }
  }

  /** Ends the worker (idempotent). */
  public stop(): void {
    this.port.close();
    void this.worker.terminate();
  }
}
