import { readdir, readFile } from 'node:fs/promises';

/* eslint-disable security/detect-non-literal-fs-filename -- every path read here is under /proc, built from a process id */

/*
 * Resident memory and CPU time of processes, read from /proc (Linux). The bench runs on the same
 * Linux machines as CI; elsewhere these reads fail and the bench says so instead of guessing.
 */

/** Linux reports CPU time in clock ticks; USER_HZ is 100 on every architecture Node supports. */
const TICKS_PER_SECOND = 100;

/** VmRSS in bytes, or undefined once the process is gone. */
export async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

interface StatFields {
  readonly ppid: number;
  readonly cpuSeconds: number;
  /** CPU of the children it has reaped (cutime + cstime): what they used before they exited. */
  readonly reapedChildrenCpuSeconds: number;
}

/** A process's stat, or a thread's (`<pid>/task/<tid>`): the same fields (proc(5)). */
async function stat(entry: number | string): Promise<StatFields | undefined> {
  try {
    const text = await readFile(`/proc/${entry}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces; fields are counted after it.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // proc(5): utime, stime, cutime, cstime are fields 14-17, so 11-14 after the command name.
    const ticks = Number(fields[11]) + Number(fields[12]);
    const reapedTicks = Number(fields[13]) + Number(fields[14]);
    return {
      ppid: Number(fields[1]),
      cpuSeconds: ticks / TICKS_PER_SECOND,
      reapedChildrenCpuSeconds: reapedTicks / TICKS_PER_SECOND,
    };
  } catch {
    return undefined;
  }
}

export async function cpuSeconds(pids: readonly number[]): Promise<number> {
  const stats = await Promise.all(pids.map((pid) => stat(pid)));
  return stats.reduce((sum, entry) => sum + (entry?.cpuSeconds ?? 0), 0);
}

async function allPids(): Promise<number[]> {
  const entries = await readdir('/proc');
  return entries.filter((entry) => /^\d+$/.test(entry)).map(Number);
}

/**
 * CPU used so far by a process and its children, including children that have already exited:
 * a child's time moves into its parent's cutime/cstime when the parent reaps it (proc(5)), so
 * nothing is lost when a child exits between two readings. Summing the live children alone would
 * drop a child that exits during a measurement, together with all it had used before.
 */
export async function cpuSecondsWithChildren(parent: number): Promise<number> {
  const own = await stat(parent);
  if (own === undefined) return 0;
  let total = own.cpuSeconds + own.reapedChildrenCpuSeconds;
  for (const pid of await allPids()) {
    const child = await stat(pid);
    if (child?.ppid === parent) total += child.cpuSeconds;
  }
  return total;
}

/**
 * CPU used so far by the PostgreSQL server listening on `port`: its postmaster and every process
 * it forked (backends, writer, WAL writer), the database's share of the machine.
 */
export async function postgresCpuSeconds(port: number): Promise<number> {
  const postmaster = await postmasterPid(port);
  return postmaster === undefined ? 0 : cpuSecondsWithChildren(postmaster);
}

async function postmasterPid(port: number): Promise<number | undefined> {
  for (const pid of await allPids()) {
    try {
      const args = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      const portIndex = args.indexOf('-p');
      if (args[0]?.endsWith('postgres') && portIndex > 0 && args[portIndex + 1] === String(port)) {
        return pid;
      }
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * The threads of one Node process, by what they do: the main thread runs JavaScript and the
 * collector's main-thread work; V8's platform workers run parallel scavenges, concurrent marking
 * and sweeping and optimizing compilation; libuv's threadpool runs file writes (the log), DNS
 * lookups and crypto's async calls. Node names them (`V8Worker`, `DelayedTaskSche`,
 * `libuv-worker`), and the kernel reports each in /proc/<pid>/task/<tid> (proc(5)).
 */
export const THREAD_GROUPS = ['main', 'v8Helpers', 'threadpool', 'other'] as const;
export type ThreadGroup = (typeof THREAD_GROUPS)[number];
export type ThreadCpu = Record<ThreadGroup, number>;

export function threadGroup(pid: number, tid: number, name: string): ThreadGroup {
  if (tid === pid) return 'main';
  if (name.startsWith('V8') || name.startsWith('DelayedTask')) return 'v8Helpers';
  if (name.startsWith('libuv-worker')) return 'threadpool';
  return 'other';
}

/** CPU used so far by each group of a live process's threads, in seconds. */
export async function threadCpuSeconds(pid: number): Promise<ThreadCpu> {
  const used = groupsOf(() => 0);
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return used;
  }
  for (const tid of tids) {
    const [name, fields] = await Promise.all([
      readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8').catch(() => undefined),
      stat(`${pid}/task/${tid}`),
    ]);
    // A thread that ended between the listing and the reads is in no group now.
    if (name === undefined || fields === undefined) continue;
    used[threadGroup(pid, Number(tid), name.trim())] += fields.cpuSeconds;
  }
  return used;
}

/** A figure for each thread group. */
function groupsOf(figure: (group: ThreadGroup) => number): ThreadCpu {
  return Object.fromEntries(THREAD_GROUPS.map((group) => [group, figure(group)])) as ThreadCpu;
}

/** Cores used over `wallSeconds` by `usedSeconds` of CPU (1.0 = one core fully busy). */
function cores(usedSeconds: number, wallSeconds: number): number {
  return wallSeconds > 0 ? Math.max(0, usedSeconds / wallSeconds) : 0;
}

/**
 * CPU used over an interval, from CPU time read at both ends: one figure, or one per group.
 * `perCore` turns the two readings and the wall time between them into cores.
 */
class IntervalCpuMeter<Reading> {
  private startWall = 0;

  constructor(
    private readonly cpuSecondsSoFar: () => Promise<Reading>,
    private readonly perCore: (start: Reading, end: Reading, wallSeconds: number) => Reading,
    /** The reading before `start`: no CPU used. */
    private startCpu: Reading,
  ) {}

  async start(): Promise<void> {
    this.startCpu = await this.cpuSecondsSoFar();
    this.startWall = performance.now();
  }

  async stop(): Promise<Reading> {
    const end = await this.cpuSecondsSoFar();
    const wall = (performance.now() - this.startWall) / 1000;
    return this.perCore(this.startCpu, end, wall);
  }
}

/** CPU used by a group of processes over an interval, in cores. */
export class CpuMeter extends IntervalCpuMeter<number> {
  /** `cpuSecondsSoFar`: the group's CPU time since it started, read at both ends. */
  constructor(cpuSecondsSoFar: () => Promise<number>) {
    super(cpuSecondsSoFar, (start, end, wall) => cores(end - start, wall), 0);
  }
}

/** CPU used by each group of one process's threads over an interval, in cores. */
export class ThreadCpuMeter extends IntervalCpuMeter<ThreadCpu> {
  constructor(pid: number) {
    super(
      () => threadCpuSeconds(pid),
      (start, end, wall) => groupsOf((group) => cores(end[group] - start[group], wall)),
      groupsOf(() => 0),
    );
  }
}

/** Samples a process's RSS at a fixed interval until stopped. */
export class RssSampler {
  readonly samples: number[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    const sample = async () => {
      const bytes = await residentBytes(this.pid);
      if (bytes !== undefined) this.samples.push(bytes);
    };
    void sample();
    this.timer = setInterval(() => void sample(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }
}

/**
 * Pressure stall information: microseconds during which at least one runnable task waited for
 * the resource (`cpu` or `io`), machine-wide. Its growth over a phase shows whether processes
 * waited for a core (an oversubscribed or shared machine) or for the disk (commit fsyncs), which
 * CPU time alone cannot show. Undefined where the kernel does not expose PSI.
 */
export async function pressureStallMicros(resource: 'cpu' | 'io'): Promise<number | undefined> {
  try {
    const text = await readFile(`/proc/pressure/${resource}`, 'utf8');
    const match = /^some .*total=(\d+)$/m.exec(text);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Share of a phase (0 to 1) during which some task stalled on `resource`. */
export class PressureMeter {
  private startMicros: number | undefined;
  private startWall = 0;

  constructor(private readonly resource: 'cpu' | 'io') {}

  async start(): Promise<void> {
    this.startMicros = await pressureStallMicros(this.resource);
    this.startWall = performance.now();
  }

  async stop(): Promise<number> {
    const end = await pressureStallMicros(this.resource);
    const wallMicros = (performance.now() - this.startWall) * 1000;
    if (end === undefined || this.startMicros === undefined || wallMicros <= 0) return 0;
    return Math.min(1, Math.max(0, (end - this.startMicros) / wallMicros));
  }
}
