/** Messages between the orchestrator (bench/run.ts) and the load generator process. */
import type { Cores } from '../lib/cpu.js';
import type { LatencySummary } from '../lib/stats.js';

/** One HTTP request to send; `path` includes the query string. */
export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Makes request number `seq` (deterministic in seq, so runs send the same requests). */
export type RequestFactory = (seq: number) => RequestSpec;

/** Builds a request factory from JSON parameters; modules export these as `factories`. */
export type FactoryBuilder = (params: Record<string, unknown>, seed: number) => RequestFactory;

/** Both limits bound every loop: whichever is reached first ends the phase. */
export interface PhaseLimits {
  maxRequests: number;
  maxSeconds: number;
}

export interface LoadJob {
  id: number;
  port: number;
  /** The hub's process id, for its CPU time (and nothing else). */
  hubPid: number;
  /** The PostgreSQL postmaster's process id, for the CPU time of the cluster (PostgreSQL engine only). */
  postmasterPid?: number;
  /** file: URL of a module that exports `factories: Record<string, FactoryBuilder>`. */
  module: string;
  factory: string;
  params: Record<string, unknown>;
  seed: number;
  concurrency: number;
  /** Sequence number of the first request (warm-up first, then measurement, continuing). */
  seqStart: number;
  warmup: PhaseLimits;
  measure: PhaseLimits;
  /** Status codes that count as success; anything else, and socket errors, count as failed. */
  okStatus: number[];
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface LoadResult {
  id: number;
  /** Requests answered with an ok status during measurement. */
  ok: number;
  failed: number;
  /** Status code (or "error") → count, over measurement. */
  statuses: Record<string, number>;
  /** The first failure, with the start of its body, to make a broken run easy to read. */
  firstFailure?: string;
  /** Wall time of the measurement phase. */
  seconds: number;
  /** ok / seconds. */
  perSecond: number;
  /** Latency of ok requests, ms. */
  latency: LatencySummary;
  /** Average cores used during measurement. */
  cores: Cores;
  /** Sequence number after the last request sent (for a following job to continue from). */
  seqEnd: number;
  warmupRequests: number;
}

export type GeneratorMessage = { kind: 'result'; result: LoadResult } | { kind: 'error'; id: number; message: string };
