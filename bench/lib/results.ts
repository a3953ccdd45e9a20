/**
 * A benchmark's figures: quantiles and units, the two-column table on stdout, and the result file
 * in bench/results/ with the machine, versions and commit it was measured on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { resolveBinary, TEMPORAL_CLI } from '../../runtime/binaries';
import { onCluster, ROOT } from './harness';
import { TEMPORAL_SERVER } from '../../runtime/cluster/versions';
import { DEFAULT_SHARDS } from '../../runtime/cluster/server';
import { pgBinDir } from '../../runtime/cluster/postgres';

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A latency's p50, p99 and max in seconds, from its instants in ms sorted ascending. */
export function latencySeconds(sorted: number[]): { p50: number; p99: number; max: number } {
  return { p50: seconds(quantile(sorted, 0.5)), p99: seconds(quantile(sorted, 0.99)), max: seconds(sorted.at(-1) ?? NaN) };
}
export const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Where and on what a figure was measured. */
export function machine(): Record<string, unknown> {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  };
  const pkg = (name: string) => {
    try {
      return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return undefined;
    }
  };
  let temporal: string | undefined;
  try {
    const found = resolveBinary(TEMPORAL_CLI).executable;
    if (found.type === 'existing-path') temporal = execFileSync(found.path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    temporal = undefined;
  }
  return {
    os: `${platform()} ${release()}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    temporalSdk: pkg('@temporalio/worker'),
    server: onCluster()
      ? `cluster: temporal-server ${TEMPORAL_SERVER.version} on PostgreSQL ${postgresVersion() ?? '?'}, ${process.env.BENCH_SHARDS ?? DEFAULT_SHARDS} history shards`
      : `dev server: ${temporal ?? 'temporal CLI'} (SQLite file)`,
    temporalCli: temporal,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: Boolean(git('status', '--porcelain', '--untracked-files=no')),
  };
}

function postgresVersion(): string | undefined {
  try {
    return /(\d+(\.\d+)?)/.exec(execFileSync(join(pgBinDir(), 'postgres'), ['--version'], { encoding: 'utf8' }))?.[1];
  } catch {
    return undefined;
  }
}

/** bench/results/<file>.json (<file>-cluster.json on the cluster): the figures, the machine and the date. */
export function writeResult(file: string, figures: Record<string, unknown>): string {
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file}${onCluster() ? '-cluster' : ''}.json`);
  writeFileSync(path, `${JSON.stringify({ benchmark: file, date: new Date().toISOString(), machine: machine(), ...figures }, null, 2)}\n`);
  return path;
}

/** A two-column table on stdout. */
export function printTable(title: string, rows: [string, string | number][]): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
}
