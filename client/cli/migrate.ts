/**
 * `rectify migrate --to <address>`: moves the running plans (or one, --plan) from the configured
 * Temporal (the embedded server by default) to another, with every workflow's state; --dry-run
 * says what would move and changes nothing. The target's TLS and API key come from a profile of
 * the Temporal environment configuration (--to-profile), as the source's come from the environment.
 */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { Command } from 'commander';
import { loadSettings } from '../../config/settings';
import { TASK_QUEUE } from '../../contracts/ids';
import { describeSummary, migrate } from '../migrate';
import { describeDeskMove, moveDeskState } from '../migrate/desk';
import { InputError, positiveInt, progressReporter, Reported, need, withClient } from './common';

interface MigrateFlags {
  to?: string;
  toNamespace: string;
  toProfile?: string;
  plan?: string;
  dryRun?: boolean;
  concurrency: string;
  toDatabase?: string;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('把计划的全部工作流（连同状态）迁移到另一个 Temporal（如从内嵌服务器迁到集群）')
    .option('--to <address>', '目标 Temporal 地址，如 temporal.example.org:7233')
    .option('--to-namespace <namespace>', '目标命名空间', 'default')
    .option('--to-profile <name>', '目标的 TLS、API key 取自 Temporal 环境配置文件中的这个 profile')
    .option('--plan <id>', '只迁移这个计划（默认：源端全部正在运行的计划）')
    .option('--dry-run', '只列出将迁移的内容，不做任何改动')
    .option('--concurrency <n>', '同时迁移的措施数', '8')
    .option('--to-database <url>', '同时把本机的网页账号、安装的节假日和佐证材料迁入集群的数据库（postgres://…/rectify）')
    .action(async (o: MigrateFlags) => {
      const address = need(o.to, 'to');
      if (o.toDatabase && !/^postgres(ql)?:\/\//.test(o.toDatabase))
        throw new InputError(`--to-database 应以 postgres:// 开头：${o.toDatabase}`);
      const concurrency = positiveInt(o.concurrency, 'concurrency');
      const settings = loadSettings();
      const sourceName = `${settings.connectionOptions.address}/${settings.namespace}`;
      const targetName = `${address}/${o.toNamespace}`;
      if (sourceName === targetName) throw new InputError(`--to ${address} 与源端相同（${sourceName}）`);
      const profile = o.toProfile ? loadClientConnectConfig({ profile: o.toProfile, disableEnv: true }) : undefined;
      const connection = await Connection.connect({ ...profile?.connectionOptions, address }).catch((e: Error) => {
        throw new InputError(`无法连接目标 Temporal ${address}：${e.message}`);
      });
      try {
        const target = new Client({ connection, namespace: o.toNamespace });
        await withClient(async (source) => {
          const servers = { source, target, sourceName, targetName, taskQueue: TASK_QUEUE };
          console.log(`${o.dryRun ? '演练' : '迁移'}：${sourceName} → ${targetName}`);
          const summary = await migrate(servers, {
            planId: o.plan,
            dryRun: o.dryRun,
            concurrency,
            say: (line) => console.log(line),
            progress: progressReporter('措施', process.stderr, 1),
          });
          for (const line of describeSummary(summary)) console.log(line);
          if (summary.failures.length) throw new Reported('迁移未完成');
          if (o.toDatabase)
            for (const line of describeDeskMove(await moveDeskState(settings, o.toDatabase, !!o.dryRun), !!o.dryRun)) console.log(line);
        });
      } finally {
        await connection.close();
      }
    });
}
