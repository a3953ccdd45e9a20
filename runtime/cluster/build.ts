/**
 * The Temporal Server built from its Go module, once per version, into a cache
 * (~/.cache/rectify-temporal/<version>, or RECTIFY_TEMPORAL_CACHE): the server, temporal-sql-tool,
 * the PostgreSQL schemas and the configuration template, all from the same module version.
 * A second run finds them and takes no time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { isExecutable } from '../binaries';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TEMPORAL_SERVER } from './versions';

export interface ServerBuild {
  version: string;
  dir: string;
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12, with temporal/ and visibility/. */
  schemaDir: string;
  /** The module's config/development-postgres12.yaml. */
  configTemplate: string;
}

export function buildDir(env: NodeJS.ProcessEnv = process.env, version: string = TEMPORAL_SERVER.version): string {
  const cache = env.RECTIFY_TEMPORAL_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rectify-temporal');
  return join(cache, `v${version}`);
}

function layout(dir: string, version: string): ServerBuild {
  return {
    version,
    dir,
    server: join(dir, 'bin', 'temporal-server'),
    sqlTool: join(dir, 'bin', 'temporal-sql-tool'),
    schemaDir: join(dir, 'schema', 'postgresql', 'v12'),
    configTemplate: join(dir, 'config', 'development-postgres12.yaml'),
  };
}

/** The build in the cache, if it is whole. */
export function cachedBuild(env: NodeJS.ProcessEnv = process.env): ServerBuild | undefined {
  const b = layout(buildDir(env), TEMPORAL_SERVER.version);
  return isExecutable(b.server) && isExecutable(b.sqlTool) && existsSync(b.schemaDir) && existsSync(b.configTemplate) ? b : undefined;
}

export class BuildError extends Error {
  override name = 'BuildError';
}

/**
 * The server of the pinned version: from the cache, or built there now (`go install`, about six
 * minutes on two cores; the Go toolchain the module needs is fetched by GOTOOLCHAIN).
 */
export function ensureServerBuild(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): ServerBuild {
  const found = cachedBuild(env);
  if (found) return found;
  const { module, version, goToolchain } = TEMPORAL_SERVER;
  const b = layout(buildDir(env), version);
  const goEnv = { ...env, GOTOOLCHAIN: goToolchain, GOBIN: join(b.dir, 'bin'), GOFLAGS: '-mod=mod' };
  if (spawnSync('go', ['version'], { env: goEnv, stdio: 'ignore' }).status !== 0) {
    throw new BuildError('找不到 Go：请安装 Go（apt-get install golang-go，或 https://go.dev/dl/），再运行 rectify cluster up');
  }
  mkdirSync(join(b.dir, 'bin'), { recursive: true });
  for (const [cmd, out] of [
    ['cmd/server', b.server],
    ['cmd/tools/sql', b.sqlTool],
  ] as const) {
    if (isExecutable(out)) continue;
    log(`正在构建 Temporal Server v${version} 的 ${cmd}（${module}，Go ${goToolchain}；首次约需 6 分钟，此后取自缓存 ${b.dir}）`);
    const r = spawnSync('go', ['install', `${module}/${cmd}@v${version}`], { env: goEnv, stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0) throw new BuildError(`go install ${module}/${cmd}@v${version} 失败（退出码 ${r.status}）`);
    // go install names the binary after its package folder: server, sql.
    renameSync(join(b.dir, 'bin', cmd.split('/').pop()!), out);
  }
  // The schemas and the template ship in the module: take them from the module cache, same version.
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { env: goEnv, encoding: 'utf8' }).trim();
  const source = join(modCache, `${module}@v${version}`);
  cpSync(join(source, 'schema', 'postgresql', 'v12'), b.schemaDir, { recursive: true });
  mkdirSync(join(b.dir, 'config'), { recursive: true });
  cpSync(join(source, 'config', 'development-postgres12.yaml'), b.configTemplate);
  // The module cache is read-only; the copies are ours to replace.
  spawnSync('chmod', ['-R', 'u+w', b.dir]);
  const built = cachedBuild(env);
  if (!built) throw new BuildError(`构建不完整：${b.dir}`);
  return built;
}
