/**
 * The cluster's long-running processes (temporal-server, workers, the web): started detached with
 * their output in a log file and their pid in a file, found again by that file, stopped by
 * SIGTERM (SIGKILL after a grace period). Nothing survives `rectify cluster down`.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Daemon {
  name: string;
  pidFile: string;
  logFile: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid of a daemon that is running, or undefined (a stale pid file is removed). */
export function runningPid(d: Daemon): number | undefined {
  if (!existsSync(d.pidFile)) return undefined;
  const pid = Number(readFileSync(d.pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) return pid;
  rmSync(d.pidFile, { force: true });
  return undefined;
}

/** Starts it unless it runs; returns its pid. */
export function startDaemon(d: Daemon, command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): number {
  const running = runningPid(d);
  if (running) return running;
  mkdirSync(dirname(d.logFile), { recursive: true });
  mkdirSync(dirname(d.pidFile), { recursive: true });
  const out = openSync(d.logFile, 'a');
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', out, out] });
  closeSync(out); // the child has its own copy
  child.unref();
  if (!child.pid) throw new Error(`${d.name} 未能启动：${command}`);
  writeFileSync(d.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. */
export async function stopDaemon(d: Daemon, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(d);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const until = Date.now() + graceMs;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 100));
  rmSync(d.pidFile, { force: true });
  return true;
}

/** SIGKILL at once (the fault suite's crash). */
export function killDaemon(d: Daemon): boolean {
  const pid = runningPid(d);
  if (!pid) return false;
  process.kill(pid, 'SIGKILL');
  return true;
}
