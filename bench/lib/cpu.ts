/**
 * CPU time of the processes taking part, read from /proc (Linux); elsewhere every figure is NaN.
 * With the hub, its database and the load generator on one 2-core machine, "cores used" tells
 * whether a figure is limited by the hub, by PostgreSQL, by the load generator or by the machine —
 * and `other` (machine minus those three) tells whether something else disturbed the measurement.
 */
import { readFileSync, readdirSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every mainstream Linux build

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields after the command name of a /proc stat line (the name may hold spaces). */
const statFields = (stat: string): string[] => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
/** utime + stime in seconds; field 3 of the rest is the parent pid. */
const cpuOf = (f: string[]): number => (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND;

/** utime + stime of a process (all its threads), in seconds; NaN when unreadable. */
export function processCpuSeconds(pid: number): number {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat ? cpuOf(statFields(stat)) : Number.NaN;
}

/** utime + stime of one thread of a process (the main thread's id is the process id). */
export function threadCpuSeconds(pid: number, tid: number): number {
  const stat = readOr(`/proc/${pid}/task/${tid}/stat`);
  return stat ? cpuOf(statFields(stat)) : Number.NaN;
}

/** CPU seconds per process of a PostgreSQL cluster: the postmaster and its children (backends, workers). */
export function clusterCpu(postmasterPid: number | undefined): Map<number, number> {
  const out = new Map<number, number>();
  if (postmasterPid === undefined) return out;
  let dirs: string[];
  try {
    dirs = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const d of dirs) {
    if (!/^\d+$/.test(d)) continue;
    const stat = readOr(`/proc/${d}/stat`);
    if (!stat) continue;
    const f = statFields(stat);
    if (Number(d) === postmasterPid || Number(f[1]) === postmasterPid) out.set(Number(d), cpuOf(f));
  }
  return out;
}

/** Busy CPU seconds of the whole machine, summed over cores. */
export function machineBusySeconds(): number {
  const stat = readOr('/proc/stat');
  const line = stat?.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return Number.NaN;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND;
}

export interface CpuSample {
  at: number;
  hub: number;
  hubMain: number;
  self: number;
  postgres: Map<number, number>;
  machine: number;
}

export function sampleCpu(hubPid: number, postmasterPid: number | undefined): CpuSample {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    hub: processCpuSeconds(hubPid),
    hubMain: threadCpuSeconds(hubPid, hubPid),
    self: (u.user + u.system) / 1e6,
    postgres: clusterCpu(postmasterPid),
    machine: machineBusySeconds(),
  };
}

export interface Cores {
  hub: number;
  /** The hub's main thread (HTTP, JSON, routing); the rest of `hub` is worker threads (PGlite) and GC helpers. */
  hubMain: number;
  loadgen: number;
  postgres: number;
  machine: number;
  /** Everything else on the machine: a disturbance when well above zero. */
  other: number;
}

/** Average cores used by each party between two samples. */
export function coresBetween(a: CpuSample, b: CpuSample): Cores {
  const wall = (b.at - a.at) / 1000;
  const per = (x: number, y: number) => (wall > 0 ? (y - x) / wall : Number.NaN);
  // Backends that started in between count whole; backends that ended in between are lost (small).
  let pg = 0;
  for (const [pid, s] of b.postgres) pg += s - (a.postgres.get(pid) ?? 0);
  const c = { hub: per(a.hub, b.hub), hubMain: per(a.hubMain, b.hubMain), loadgen: per(a.self, b.self), postgres: wall > 0 ? pg / wall : Number.NaN, machine: per(a.machine, b.machine) };
  return { ...c, other: Math.max(0, c.machine - c.hub - c.loadgen - c.postgres) };
}

/** Cores busy on the whole machine over the next `ms` (to wait until it is quiet before measuring). */
export async function machineBusyCores(ms: number): Promise<number> {
  const a = machineBusySeconds();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  return (machineBusySeconds() - a) / ((performance.now() - t) / 1000);
}
