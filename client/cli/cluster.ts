/** `rectify cluster up | down | status`: the production topology (Temporal on PostgreSQL, two workers, the web) on this machine. */
import type { Command } from 'commander';
import { UsageError } from './common';

export function registerClusterCommands(program: Command): void {
  program
    .command('cluster <action>')
    .description(
      '生产拓扑：PostgreSQL 上的 Temporal 服务、两个 worker 和网页，在本机启动（up）、停止（down）或查看（status）；数据保留在 RECTIFY_CLUSTER_DIR（默认 var/cluster）',
    )
    .option('--workers <n>', 'worker 进程数（各用自己的 var 目录，如同两台机器；0：只有 Temporal 和 PostgreSQL）', '2')
    .option('--no-web', '不启动网页')
    .option('--namespace <name>', '命名空间', 'default')
    .option('--out <dir>', 'config：写入服务器配置的目录（systemd 部署，如 /etc/rectify）', '.')
    .addHelpText(
      'after',
      '\n首次 up 从 Go 模块构建 Temporal Server（约 6 分钟，此后取自 ~/.cache/rectify-temporal）。\n' +
        '端口：RECTIFY_CLUSTER_PORT（Temporal 前端，默认17233）、RECTIFY_CLUSTER_PG_PORT（默认55432）；历史分片 RECTIFY_CLUSTER_SHARDS（默认128，建库后不能再改）\n' +
        '示例：\n  rectify cluster up\n  TEMPORAL_ADDRESS=127.0.0.1:17233 rectify start config/plans/liangxi-2023.yaml\n  rectify cluster down',
    )
    .action(async (action: string, o: { workers: string; web: boolean; namespace: string; out: string }) => {
      const { clusterConfig, clusterDown, clusterStatus, clusterUp, MAX_WORKERS } = await import('../cluster');
      if (!/^\d{1,2}$/.test(o.workers) || Number(o.workers) > MAX_WORKERS)
        throw new UsageError(`--workers 应为0–${MAX_WORKERS}的整数：${o.workers}`);
      const options = { workers: Number(o.workers), web: o.web, namespace: o.namespace };
      let lines: string[];
      if (action === 'up') lines = await clusterUp(options, (line) => console.error(line));
      else if (action === 'down') lines = await clusterDown(options);
      else if (action === 'status') lines = clusterStatus(options);
      else if (action === 'config') lines = clusterConfig(o.out, (line) => console.error(line));
      else throw new UsageError(`cluster 的动作应为 up、down、status 或 config：${action}`);
      for (const line of lines) console.log(line);
    });
}
