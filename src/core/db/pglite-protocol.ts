/** Messages between the main thread and the PGlite worker thread. */
export type WorkerRequest =
  | { id: number; op: 'query'; tx: number; sql: string; params: readonly unknown[] }
  | { id: number; op: 'exec'; tx: number; sql: string }
  | { id: number; op: 'begin' | 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close'; tx: 0 };

export interface WorkerError {
  message: string;
  code?: string;
  detail?: string;
  constraint?: string;
}

export type WorkerResponse =
  | { id: number; ok: true; rows: Record<string, unknown>[]; rowCount: number }
  | { id: number; ok: false; error: WorkerError };

export interface WorkerInit {
  dataDir: string | undefined;
  postgis: boolean;
}
