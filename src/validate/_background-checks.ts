import * as fs from 'fs';
import * as path from 'path';
import type { MessagePort, Worker } from 'worker_threads';
import type { FolderCheckOptions, FolderChecks } from './_folder-checks';
import type { K8sObject } from './rules/_rule';
import { isKustomizationFile } from './validate-tree';

/**
 * Files per message to the worker (each message costs the worker a wake-up;
 * the objects waiting in a batch live long enough to reach V8's old space).
 */
const BATCH = 64;

/** What the worker answers at the end. */
export interface WorkerResults {
  readonly found: FolderChecks;
  /** The first file that could not be written: the error's message, and the staging folder. */
  readonly writeError?: string;
  readonly writeErrorDir?: string;
}

/** How long the main thread waits for the worker's results before checking in-thread instead. */
const WAIT_MS = 120_000;

/**
 * The validation gate's per-folder checks (`checkFolderBatch`) run in a
 * worker thread, fed the rendered objects chart by chart while the main
 * thread renders the next ones; only the kustomizations are kept here, for
 * the `resources` check that needs the whole tree. The objects handed over
 * `toWrite` are also emitted and written by the worker, into every folder of
 * `writeTo`. `results()` blocks until the worker has done everything it was
 * given; `undefined` from `start` means "check in-thread" (no worker script
 * beside this module, e.g. running from TypeScript sources), and from
 * `results` that the worker failed.
 */
export class BackgroundChecks {
  /**
   * Starts the worker, or `undefined` when it cannot run here. `youngGenerationMb`
   * caps the worker's young generation (V8's default grows to 32 MiB).
   */
  public static start(options: FolderCheckOptions, writeTo: readonly string[] = [], youngGenerationMb?: number): BackgroundChecks | undefined {
    const script = path.join(__dirname, '_gate-worker.js');
    if (process.env.CDK8S_GITOPS_GATE_WORKER === '0' || !fs.existsSync(script)) return undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wt = require('worker_threads') as typeof import('worker_threads');
      // [0]: the worker has answered (1) or ended without answering (2); [1]: files it has done.
      const flag = new SharedArrayBuffer(8);
      const { port1, port2 } = new wt.MessageChannel();
      const workerOptions: FolderCheckOptions = {
        ...(options.kubernetesVersion !== undefined ? { kubernetesVersion: options.kubernetesVersion } : {}),
        ...(options.rules !== undefined ? { rules: options.rules } : {}),
      };
      const workerData = { options: workerOptions, writeTo: [...writeTo], flag, port: port2 };
      const resourceLimits = youngGenerationMb !== undefined ? { resourceLimits: { maxYoungGenerationSizeMb: youngGenerationMb } } : {};
      const worker = new wt.Worker(script, { workerData, transferList: [port2], ...resourceLimits });
      worker.unref();
      // A worker that fails (e.g. cannot load its checks) ends without answering, which `results()`
      // sees; without a listener its 'error' event would end this process once the synth is over.
      worker.on('error', () => undefined);
      return new BackgroundChecks(wt, worker, port1, new Int32Array(flag));
    } catch {
      return undefined;
    }
  }

  /** The kustomizations handed over (file → value), for the `resources` check. */
  public readonly kustomizations: { file: string; value: K8sObject }[] = [];
  private pending: [string, unknown, boolean][] = [];
  /** Files posted to the worker. */
  private sent = 0;

  private constructor(
    private readonly wt: typeof import('worker_threads'),
    private readonly worker: Worker,
    private readonly port: MessagePort,
    private readonly done: Int32Array,
  ) {}

  /**
   * Hands the rendered objects of whole folders (file → object) to the worker
   * (a message per `BATCH` files or more), to check and, `toWrite`, to emit and write.
   */
  public add(batch: readonly [string, unknown][], toWrite = false): void {
    for (const [file, obj] of batch) {
      if (isKustomizationFile(file) && obj !== null && typeof obj === 'object') this.kustomizations.push({ file, value: obj as K8sObject });
      this.pending.push([file, obj, toWrite]);
    }
    if (this.pending.length >= BATCH) this.flush();
  }

  private flush(): void {
    if (this.pending.length) this.worker.postMessage({ batch: this.pending });
    this.sent += this.pending.length;
    this.pending = [];
  }

  /** Files handed over that the worker has not done yet (checked, and written if asked). */
  public backlog(): number {
    return this.sent + this.pending.length - Atomics.load(this.done, 1);
  }

  /**
   * What the worker found in every folder handed over, and the first file it
   * could not write (the error's message and the staging folder); `undefined`
   * if it failed.
   */
  public results(): WorkerResults | undefined {
    try {
      this.flush();
      this.worker.postMessage({ end: true });
      if (Atomics.wait(this.done, 0, 0, WAIT_MS) === 'timed-out') return undefined;
      const reply = this.wt.receiveMessageOnPort(this.port)?.message as Partial<WorkerResults> | undefined;
      return reply?.found ? { found: reply.found, writeError: reply.writeError, writeErrorDir: reply.writeErrorDir } : undefined;
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
