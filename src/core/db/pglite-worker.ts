/**
 * Hosts PGlite (single-threaded WebAssembly) in a worker thread so queries never stall the HTTP
 * and MQTT event loop. Requests run strictly one at a time; while a transaction is open only
 * that transaction's requests run, the others wait in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { WorkerError, WorkerInit, WorkerRequest, WorkerResponse } from './pglite-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const queue: WorkerRequest[] = [];
let openTx = 0;
let running = false;

async function open(): Promise<PGlite> {
  const options: PGliteOptions = {};
  if (init.dataDir) options.dataDir = init.dataDir;
  if (init.postgis) {
    const { postgis } = await import('@electric-sql/pglite-postgis');
    options.extensions = { postgis };
  }
  const db: PGlite = await PGlite.create(options);
  if (init.postgis) await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  return db;
}

function toWorkerError(err: unknown): WorkerError {
  const e = err as { message?: string; code?: string; detail?: string; constraint?: string };
  const out: WorkerError = { message: e.message ?? String(err) };
  if (e.code) out.code = e.code;
  if (e.detail) out.detail = e.detail;
  if (e.constraint) out.constraint = e.constraint;
  return out;
}

function nextRunnable(): WorkerRequest | undefined {
  const idx = openTx === 0 ? 0 : queue.findIndex((r) => r.tx === openTx);
  if (idx < 0 || idx >= queue.length) return undefined;
  return queue.splice(idx, 1)[0];
}

async function handle(db: PGlite, req: WorkerRequest): Promise<WorkerResponse> {
  try {
    switch (req.op) {
      case 'query': {
        const r = await db.query(req.sql, req.params as unknown[]);
        return { id: req.id, ok: true, rows: r.rows as Record<string, unknown>[], rowCount: r.affectedRows ?? r.rows.length };
      }
      case 'exec':
        await db.exec(req.sql);
        return { id: req.id, ok: true, rows: [], rowCount: 0 };
      case 'begin':
        await db.exec('BEGIN');
        openTx = req.tx;
        return { id: req.id, ok: true, rows: [], rowCount: 0 };
      case 'commit':
      case 'rollback':
        openTx = 0;
        await db.exec(req.op === 'commit' ? 'COMMIT' : 'ROLLBACK');
        return { id: req.id, ok: true, rows: [], rowCount: 0 };
      case 'close':
        await db.close();
        return { id: req.id, ok: true, rows: [], rowCount: 0 };
    }
  } catch (err) {
    return { id: req.id, ok: false, error: toWorkerError(err) };
  }
}

async function pump(db: PGlite): Promise<void> {
  if (running) return;
  running = true;
  try {
    for (let req = nextRunnable(); req; req = nextRunnable()) {
      port.postMessage(await handle(db, req));
      if (req.op === 'close') process.exit(0);
    }
  } finally {
    running = false;
  }
}

const ready = open();
ready.then(
  (db) => {
    port.postMessage({ id: 0, ok: true, rows: [], rowCount: 0 } satisfies WorkerResponse);
    port.on('message', (req: WorkerRequest) => {
      queue.push(req);
      void pump(db);
    });
  },
  (err: unknown) => {
    port.postMessage({ id: 0, ok: false, error: toWorkerError(err) } satisfies WorkerResponse);
  },
);
