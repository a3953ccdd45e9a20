/** Running rectify: the embedded stack, a worker, and the outbox of the embedded default. */
import type { Command } from 'commander';
import { join } from 'node:path';
import { loadSettings } from '../../config/settings';
import { formatInstant } from '../../domain/dates';
import { addresses, listOutbox, readMail } from '../outbox';
import { InputError, preparePlan, rebaseDate, requireReachable, SAMPLE_PLAN, withClient, ZONE } from './common';

export function registerSystemCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('dev')
    .description('内嵌开发环境：Temporal 开发服务器、worker 和一个计划（默认示例计划）；Ctrl-C 停止，再次启动后继续')
    .option('--plan <plan>', '计划文件', SAMPLE_PLAN)
    .option('--no-plan', '不启动任何计划')
    .option('--rebase <date>', '演示用：把全部日期平移，使反馈日期成为该日（YYYY-MM-DD 或 today）')
    .addHelpText(
      'after',
      '\n群机器人：计划中的企业微信、钉钉、飞书群机器人发到本机的替身（启动时打印其地址，GET / 列出收到的消息），' +
        '未设置的密钥环境变量取示例值；要发往真实平台，设置该平台的 RECTIFY_CHAT_WECOM_URL、RECTIFY_CHAT_DINGTALK_URL 或 RECTIFY_CHAT_FEISHU_URL 和密钥' +
        '\n示例：\n  rectify dev                 # = npm start\n  rectify dev --rebase today',
    )
    .action(async (o: { plan: string | false; rebase?: string }) => {
      const planPath = o.plan === false ? undefined : o.plan;
      // Check the plan before anything starts: a bad plan starts nothing.
      const plan = planPath ? requireReachable(preparePlan(planPath, rebaseDate(o.rebase)), planPath) : undefined;
      const { runDevStack } = await import('../dev');
      setExitCode(await runDevStack(loadSettings(), plan, planPath, o.rebase !== undefined));
    });

  program
    .command('web')
    .description('只提供网页（总览、台账、措施、进展报告、办理、单位链接），连接 TEMPORAL_ADDRESS 指定的集群或本机内嵌服务器')
    .addHelpText(
      'after',
      '\n地址：RECTIFY_WEB_HOST（默认127.0.0.1，只在本机可访问）、RECTIFY_WEB_PORT（默认3000）、RECTIFY_PUBLIC_URL（邮件中链接的地址）\n' +
        '对外提供（如0.0.0.0）须先设置 RECTIFY_LINK_SECRET 并用 rectify user add 创建账号\n示例：\n  rectify web',
    )
    .action(async () => {
      const { startWeb } = await import('../web/main');
      await withClient(
        async (client) => {
          const web = await startWeb(loadSettings(), client);
          console.log(`整改台账网页：${web.url}。按 Ctrl-C 停止。`);
          await untilStopped();
          await web.close();
        },
        { waitForServer: true },
      );
    });

  program
    .command('inbound')
    .description('接收牵头单位对通知邮件的回复（SMTP）：回复记为进展，附件作为佐证材料，“已完成”并附材料的提交巡察办核验')
    .addHelpText(
      'after',
      '\n设置：RECTIFY_INBOUND_DOMAIN（回复地址的域名，其 MX 指向本服务；worker 也须设置，邮件才带回复地址）、\n' +
        'RECTIFY_INBOUND_HOST（默认127.0.0.1）、RECTIFY_INBOUND_PORT（默认2525）、RECTIFY_INBOUND_MAX_MB（默认30）、\n' +
        'RECTIFY_INBOUND_RATE（每个发件人每小时最多几封，默认30）、RECTIFY_INBOUND_TLS_KEY 和 RECTIFY_INBOUND_TLS_CERT（提供 STARTTLS）\n' +
        '示例：\n  RECTIFY_INBOUND_DOMAIN=reply.example.org RECTIFY_INBOUND_HOST=0.0.0.0 RECTIFY_INBOUND_PORT=25 rectify inbound',
    )
    .action(async () => {
      const { startInboundService } = await import('../inbound');
      await withClient(
        async (client) => {
          const inbound = await startInboundService(loadSettings(), client);
          console.log(`回复邮件接收：${inbound.address}，回复地址 reply+…@${inbound.domain}。按 Ctrl-C 停止。`);
          await untilStopped();
          await inbound.close();
        },
        { waitForServer: true },
      );
    });

  program
    .command('worker')
    .description('只运行 worker，连接 TEMPORAL_ADDRESS 指定的集群（可在多台机器上运行多个）')
    .action(async () => {
      const { runWorker } = await import('../run-worker');
      await runWorker();
    });

  program
    .command('doctor')
    .description('检查部署并说明如何改正：Temporal 与命名空间、搜索属性、SMTP（不发信）、计划文件、节假日安排、网页对外访问')
    .option('--plan <file...>', '另外检查这些计划文件')
    .addHelpText(
      'after',
      '\n有任何一项不通过时退出码为1。\n示例：\n  rectify doctor\n  rectify doctor --plan config/plans/liangxi-2023.yaml',
    )
    .action(async (o: { plan?: string[] }) => {
      const { runDoctor } = await import('../doctor');
      setExitCode(await runDoctor(loadSettings(), o.plan ?? []));
    });

  const outbox = program.command('outbox').description('内嵌默认（未设置 SMTP_URL）时保存为 .eml 的邮件');
  outbox
    .command('list', { isDefault: true })
    .description('列出发件箱中的邮件')
    .action(async () => {
      const dir = loadSettings().mail.outboxDir;
      const mails = await listOutbox(dir);
      mails.forEach((m, i) =>
        console.log([String(i + 1).padStart(4), m.date ? formatInstant(m.date.getTime(), ZONE) : '', m.to, m.subject].join('\t')),
      );
      console.log(`发件箱 ${dir}：${mails.length}封邮件`);
    });
  outbox
    .command('show <which>')
    .description('打印一封邮件（序号或文件名）')
    .action(async (which: string) => {
      const dir = loadSettings().mail.outboxDir;
      const mails = await listOutbox(dir);
      const found = /^\d+$/.test(which) ? mails[Number(which) - 1] : mails.find((m) => m.file === which);
      if (!found) throw new InputError(`发件箱中没有${which}（共${mails.length}封，用 rectify outbox 列出）`);
      const mail = await readMail(join(dir, found.file));
      const attached = mail.attachments.map((a) => a.filename).join(', ') || '无';
      console.log(
        [
          `文件：${join(dir, found.file)}`,
          `收件人：${addresses(mail)}`,
          `主题：${mail.subject ?? ''}`,
          `Message-ID: ${mail.messageId ?? ''}`,
          `附件：${attached}`,
          '',
          mail.text ?? '',
        ].join('\n'),
      );
    });
}

/** Until Ctrl-C or the service manager's stop. */
function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
