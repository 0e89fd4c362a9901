// CPU time (user + system) spent by processes, from /proc (Linux): what a request costs, whatever else
// runs on the machine meanwhile.
import { readFile } from 'node:fs/promises';
import { descendants } from './processes.js';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU ms used so far by `pid` (0 when it is gone); with `reaped`, also its children that exited. */
export async function cpuMs(pid: number, reaped = false): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (!stat) return 0;
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 (utime, stime), counted from after the command name.
  const own = Number(f[11]) + Number(f[12]);
  return (reaped ? own + Number(f[13]) + Number(f[14]) : own) * TICK_MS;
}

/** CPU ms used so far by `pid` and everything below it (a PostgreSQL server's backends). */
export async function treeCpuMs(pid: number): Promise<number> {
  let sum = await cpuMs(pid, true);
  for (const child of await descendants(pid)) sum += await cpuMs(child);
  return sum;
}

/** The postmaster of an embedded server: first line of postmaster.pid in its data folder. */
export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(`${dataDir}/postmaster.pid`, 'utf8').catch(() => '');
  const pid = Number(text.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
