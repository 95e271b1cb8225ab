// @ts-check
/**
 * Hosts PGlite (single-threaded WebAssembly) in a worker thread so queries never stall the HTTP
 * and MQTT event loop. Requests run strictly one at a time; while a transaction is open only
 * that transaction's requests run, the others wait in arrival order.
 *
 * Plain JavaScript (type-checked through JSDoc) on purpose: a worker thread on Node 20 cannot load
 * TypeScript through a loader hook, and this file must run the same from src/ and from dist/.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @typedef {import('./pglite-protocol.js').WorkerRequest} WorkerRequest */
/** @typedef {import('./pglite-protocol.js').WorkerResponse} WorkerResponse */
/** @typedef {import('./pglite-protocol.js').WorkerError} WorkerError */
/** @typedef {import('./pglite-protocol.js').WorkerInit} WorkerInit */

const init = /** @type {WorkerInit} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
/** @type {WorkerRequest[]} */
const queue = [];
let openTx = 0;
let running = false;

/** Opens the database (and PostGIS) as configured. */
async function open() {
  /** @type {import('@electric-sql/pglite').PGliteOptions} */
  const options = {};
  if (init.dataDir) options.dataDir = init.dataDir;
  if (init.postgis) {
    const { postgis } = await import('@electric-sql/pglite-postgis');
    options.extensions = { postgis };
  }
  const db = await PGlite.create(options);
  if (init.postgis) await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  return db;
}

/**
 * Keeps what a caller needs of a database error (message and SQLSTATE).
 * @param {unknown} err
 * @returns {WorkerError}
 */
function toWorkerError(err) {
  const e = /** @type {{ message?: string, code?: string, detail?: string, constraint?: string }} */ (err ?? {});
  /** @type {WorkerError} */
  const out = { message: e.message ?? String(err) };
  if (e.code) out.code = e.code;
  if (e.detail) out.detail = e.detail;
  if (e.constraint) out.constraint = e.constraint;
  return out;
}

/** The next request allowed to run: any, or only the open transaction's. */
function nextRunnable() {
  const idx = openTx === 0 ? 0 : queue.findIndex((r) => r.tx === openTx);
  if (idx < 0 || idx >= queue.length) return undefined;
  return queue.splice(idx, 1)[0];
}

/**
 * Runs one request.
 * @param {PGlite} db
 * @param {WorkerRequest} req
 * @returns {Promise<WorkerResponse>}
 */
async function handle(db, req) {
  try {
    switch (req.op) {
      case 'query': {
        const r = await db.query(req.sql, /** @type {any[]} */ (req.params));
        return { id: req.id, ok: true, rows: /** @type {Record<string, unknown>[]} */ (r.rows), rowCount: r.affectedRows || r.rows.length };
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

/**
 * Runs queued requests until none may run now.
 * @param {PGlite} db
 */
async function pump(db) {
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

open().then(
  (db) => {
    port.postMessage(/** @type {WorkerResponse} */ ({ id: 0, ok: true, rows: [], rowCount: 0 }));
    port.on('message', (/** @type {WorkerRequest} */ req) => {
      queue.push(req);
      void pump(db);
    });
  },
  (err) => {
    port.postMessage(/** @type {WorkerResponse} */ ({ id: 0, ok: false, error: toWorkerError(err) }));
  },
);
