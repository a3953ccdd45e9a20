/**
 * `rectify dev`: the embedded stack in one process: a dev server (unless a cluster is
 * configured), a worker, and a plan started on it; its group robots posting to a local double of
 * the platforms (dev-robots.ts). Runs until Ctrl-C; workflows persist.
 */
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { installRuntime } from '../runtime/telemetry';
import type { Settings } from '../config/settings';
import type { Plan } from '../domain/plan/schema';
import { startDevServer, type DevServer } from '../runtime/dev-server';
import { mailDelivery } from '../worker/worker';
import { deploymentWorkers } from './run-worker';
import { describeDigest, describeStarted, describeStored, listMeasures, startPlan } from './measures';
import { startDevRobots, type DevRobots } from './dev-robots';

export async function runDevStack(settings: Settings, plan: Plan | undefined, planPath?: string, rebased = false): Promise<number> {
  // Quiet by default: the worker's bundling and state logs are noise to the office.
  installRuntime({ ops: { ...settings.ops, logLevel: process.env.RECTIFY_LOG_LEVEL ? settings.ops.logLevel : 'WARN' } }, 'dev');
  let server: DevServer | undefined;
  if (settings.embedded) {
    server = await startDevServer({ ...settings.dev, namespace: settings.namespace });
    console.log(`Temporal 开发服务器：${server.address}（数据：${settings.dev.dbFile}）`);
    console.log(`Temporal Web UI: ${server.uiUrl}`);
  } else {
    console.log(`使用已有的 Temporal 集群：${settings.connectionOptions.address} namespace=${settings.namespace}`);
  }
  const nativeConnection = await NativeConnection.connect(settings.connectionOptions);
  const connection = await Connection.connect(settings.connectionOptions);
  let closeMailer = () => undefined as void;
  let web: { url: string; close(): Promise<void> } | undefined;
  let robots: DevRobots | undefined;
  let inbound: { close(): Promise<void> } | undefined;
  // Replies by mail: to reply+…@localhost unless the operator names a domain (rectify inbound takes them below).
  if (settings.embedded && !settings.inbound.domain) settings = { ...settings, inbound: { ...settings.inbound, domain: 'localhost' } };
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    // Before the worker's delivery is made: it reads the robots' hosts and secrets from the environment set here.
    robots = await startDevRobots(plan, settings.varDir);
    const { delivery, mailer } = mailDelivery(settings, planPath ? [planPath] : [], client);
    closeMailer = () => mailer.close();
    console.log(`邮件：${mailer.describe}`);
    for (const line of robots.lines) console.log(line);
    // A rebased demo of a plan that already runs would be silently the old one: say what to do instead.
    if (plan && rebased && (await listMeasures(client, { planId: plan.id })).length) {
      console.error(
        `rectify: 计划 ${plan.id} 已在 ${settings.varDir} 中运行，--rebase 只对新启动的计划生效。` +
          `要按新的日期重新演示：停止后删除 ${settings.varDir}，或用 RECTIFY_VAR_DIR 指向一个新目录；要继续原来的演示，去掉 --rebase。`,
      );
      return 1;
    }
    const workers = await deploymentWorkers(settings, nativeConnection, client, delivery);
    const running = workers.run();
    if (plan) {
      const result = await startPlan(client, plan, { untilListed: true });
      for (const line of describeStarted(plan, result)) console.log(line);
      console.log(describeStored(plan, result.stored));
      console.log(describeDigest(plan, result.digest));
    }
    const { startWeb } = await import('./web/main');
    web = await startWeb(settings, client);
    console.log(`整改台账网页：${web.url}（默认只在本机可访问；巡察办账号用 rectify user add 创建）`);
    if (settings.inbound.domain) {
      const { startInboundService } = await import('./inbound');
      const running = await startInboundService(settings, client, planPath ? [planPath] : []).catch((e: Error) => {
        console.warn(`回复邮件接收未启动：${e.message}`);
        return undefined;
      });
      inbound = running;
      if (running) console.log(`回复邮件接收：${running.address}（单位回复通知邮件即报送进展，回复地址 reply+…@${running.domain}）`);
    }
    console.log(`worker 已就绪（任务队列 ${workers.taskQueues.join('、')}）。按 Ctrl-C 停止；工作流保存在数据库中，再次启动后继续运行。`);
    await running; // the worker shuts down on SIGINT/SIGTERM
    return 0;
  } finally {
    await inbound?.close();
    await web?.close();
    await robots?.close();
    closeMailer();
    await connection.close();
    await nativeConnection.close();
    await server?.stop();
  }
}
