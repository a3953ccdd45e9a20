/**
 * What an operator needs to know is right, each as a check with what was found and how to fix
 * it: used by `rectify doctor` (all of them) and by /readyz (Temporal, search attributes, SMTP).
 * Nothing here sends mail or changes anything. One file of many small checks, each a function of
 * its own with the same shape (Check): the doctor's list reads as one, and a new check goes here.
 */
import type { Client } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { smtpMailer, type SmtpMailer } from '../activities/mail/transport';
import { loadPlan } from '../config/plan-files';
import type { Settings } from '../config/settings';
import { openDeskState } from '../config/desk';
import { ALL_SEARCH_ATTRIBUTES, indexedValueTypes, searchAttributeFlags } from '../contracts/search-attributes';
import { planWorkflowId } from '../contracts/ids';
import { getPlanQuery } from '../contracts/messages';
import { listPlanIds } from './records';
import { ALERT_LEAD_DAYS, holidayCoverage, type YearCoverage } from '../domain/calendar-alerts';
import { unreadableSecrets } from '../config/chat-secrets';
import { directoryChannels } from '../domain/chat/platforms';
import { exposureProblem } from '../config/exposure';
import type { Account } from '../config/users';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about it (warn and fail). */
  fix?: string;
}

const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail });
const failed = (name: string, detail: string, fix: string): Check => ({ name, status: 'fail', detail, fix });

/** The namespace answers (and so the server). */
export async function checkTemporal(client: Client, settings: Pick<Settings, 'namespace' | 'connectionOptions'>): Promise<Check> {
  const name = 'Temporal';
  try {
    const ns = await client.workflowService.describeNamespace({ namespace: settings.namespace });
    const days = Math.round(Number(ns.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400);
    return ok(name, `${settings.connectionOptions.address} 命名空间 ${settings.namespace} 可用（已结束工作流保留${days}天）`);
  } catch (e) {
    return failed(
      name,
      `无法访问 ${settings.connectionOptions.address} 的命名空间 ${settings.namespace}：${(e as Error).message}`,
      '检查 TEMPORAL_ADDRESS、TEMPORAL_NAMESPACE 与网络；内嵌默认先运行 rectify dev',
    );
  }
}

/** Every search attribute rectify writes and queries, with its type. */
export async function checkSearchAttributes(client: Client, namespace: string): Promise<Check> {
  const name = '搜索属性';
  const want = indexedValueTypes();
  const flags = searchAttributeFlags();
  try {
    const listed = await client.connection.operatorService.listSearchAttributes({ namespace });
    const have = listed.customAttributes ?? {};
    const missing = Object.keys(want).filter((k) => have[k] === undefined);
    const wrong = Object.keys(want).filter((k) => have[k] !== undefined && Number(have[k]) !== want[k]);
    if (!missing.length && !wrong.length) return ok(name, `${ALL_SEARCH_ATTRIBUTES.length}个均已注册，类型正确`);
    const fixAll = Object.entries(flags)
      .filter(([k]) => missing.includes(k))
      .map(([k, t]) => `--name ${k} --type ${t}`)
      .join(' ');
    return failed(
      name,
      [missing.length && `缺少${missing.join('、')}`, wrong.length && `类型不对：${wrong.map((k) => `${k}（应为${flags[k]}）`).join('、')}`]
        .filter(Boolean)
        .join(';'),
      missing.length
        ? `temporal operator search-attribute create --namespace ${namespace} ${fixAll}`
        : '类型不对的属性须先删除（temporal operator search-attribute remove）再按正确类型创建',
    );
  } catch (e) {
    return failed(name, `无法列出搜索属性：${(e as Error).message}`, '先解决 Temporal 连接问题');
  }
}

/** SMTP answers, speaks TLS as configured and takes the credentials (no mail is sent). */
export async function checkSmtp(settings: Pick<Settings, 'mail'>): Promise<Check> {
  const name = 'SMTP';
  const { smtpUrl, caFile } = settings.mail;
  if (!smtpUrl) return ok(name, `未设置 SMTP_URL，邮件保存在 ${settings.mail.outboxDir}（用“rectify outbox”查看）`);
  const shown = smtpUrl.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:***@');
  let mailer: SmtpMailer | undefined;
  try {
    // The worker's own transport settings (TLS, CA, timeouts), one connection, nothing sent.
    mailer = smtpMailer(smtpUrl, { ca: caFile ? readFileSync(resolve(caFile), 'utf8') : undefined, maxConnections: 1 });
    await mailer.verify();
    return ok(name, `${shown}可连接 ${new URL(smtpUrl).username ? '，登录成功' : ''}`);
  } catch (e) {
    const err = e as Error & { code?: string };
    const fix =
      err.code === 'EAUTH'
        ? '检查 SMTP_URL 中的用户名和密码（特殊字符须百分号编码）'
        : err.code === 'ESOCKET' && /certificate|self.signed/i.test(err.message)
          ? '证书不受信任：用 SMTP_CA_FILE 指定 CA，或改用受信任的证书'
          : '检查 SMTP_URL 的主机和端口、防火墙，以及服务器是否运行';
    return failed(name, `${shown}: ${err.message}`, fix);
  } finally {
    mailer?.close();
  }
}

/** The plan files the worker reads recipients from: valid, and every address well-formed. */
export function checkPlans(paths: string[], env: NodeJS.ProcessEnv = process.env): Check[] {
  if (!paths.length) return [ok('计划文件', '未设置 RECTIFY_PLANS: 收件人取自 Temporal 中保存的计划（rectify start 时保存）')];
  return paths.map((path) => {
    const name = `计划文件 ${path}`;
    try {
      const { plan, warnings } = loadPlan(path);
      const addresses = [
        ...plan.directory.units.flatMap((u) => u.emails),
        ...plan.directory.leaders.map((l) => l.email),
        ...plan.directory.office.emails,
        ...plan.directory.leadershipGroup.emails,
      ];
      const robots = directoryChannels(plan.directory).length;
      const detail = `${plan.measures.length}项措施，${addresses.length}个收件地址均有效${robots ? `，${robots}个群机器人` : ''}`;
      const unreadable = unreadableSecrets(plan.directory, env);
      if (unreadable.length)
        return failed(
          name,
          `群机器人的密钥读取不到：${unreadable.join('；')}`,
          '在本机设置这些环境变量或放好这些文件（worker 发送时读取）',
        );
      if (warnings.length)
        return {
          name,
          status: 'warn' as const,
          detail: `${detail}；${warnings.length}条提示：${warnings[0].message}`,
          fix: `用“rectify plan check ${path}”查看全部`,
        };
      return ok(name, detail);
    } catch (e) {
      return failed(name, (e as Error).message, `改正后再运行 rectify plan check ${path}`);
    }
  });
}

/**
 * The holiday arrangements the next twelve months need. A missing year is a warning once it is
 * within ALERT_LEAD_DAYS of use (the State Council publishes in November or December; the plan's
 * calendar watch tells the office then too); further off it is only noted. Measures keep running
 * on the provisional calendar either way, so this never fails.
 */
export function checkHolidays(published: Iterable<number>, today: string): Check {
  const name = '节假日安排';
  const coverage = holidayCoverage(published, today);
  const missing = coverage.filter((y) => !y.published);
  const have = coverage.filter((y) => y.published).map((y) => y.year);
  if (!missing.length) return ok(name, `未来12个月涉及的${have.join('、')}年均已收录`);
  const when = (y: YearCoverage) => (y.startsInDays <= 0 ? `${y.year}年正在使用` : `${y.year}年1月1日起使用，还有${y.startsInDays}天`);
  const soon = missing.filter((y) => y.startsInDays <= ALERT_LEAD_DAYS);
  if (!soon.length) return ok(name, `${have.join('、')}年已收录；${missing.map(when).join('；')}，通常在前一年11—12月公布`);
  return {
    name,
    status: 'warn',
    detail: `${soon.map((y) => y.year).join('、')}年的安排尚未收录（${soon.map(when).join('；')}）；在此之前按法定节假日计算，无调休上班日，邮件注明“按临时日历计算”`,
    fix: '国务院办公厅公布后：rectify calendar import <通知.txt> --install，再 rectify calendar refresh 告知运行中的措施',
  };
}

/**
 * Where the desk's own state is, and that it can be read: the database of RECTIFY_DATABASE_URL
 * (reachable, migrated), or var/. Against a cluster without a database, a warning: every machine
 * would keep accounts, sign-in failures and evidence of its own.
 */
export async function checkDeskState(settings: Settings): Promise<Check> {
  const name = '办公状态（账号、节假日、佐证材料）';
  let detail: string;
  try {
    const desk = await openDeskState(settings);
    try {
      const accounts = (await desk.accounts.list()).length;
      const years = Object.keys(await desk.calendar.read());
      detail = `${desk.where}：${accounts}个账号${years.length ? `，安装了${years.join('、')}年的节假日安排` : ''}`;
    } finally {
      await desk.close();
    }
  } catch (e) {
    const fix = settings.desk.databaseUrl
      ? '检查 RECTIFY_DATABASE_URL：地址、密码，数据库 rectify 是否已创建'
      : '检查 var/ 下的账号文件和节假日目录';
    return failed(name, (e as Error).message, fix);
  }
  if (!settings.desk.databaseUrl && !settings.embedded)
    return {
      name,
      status: 'warn',
      detail: `连接的是集群，办公状态却在本机 ${settings.varDir}`,
      fix: '设置 RECTIFY_DATABASE_URL（集群 PostgreSQL 中的 rectify 数据库），否则每台机器上的网页各有各的账号、登录失败次数和佐证材料',
    };
  return ok(name, detail);
}

/** The group robots of the plans kept in Temporal: their secrets readable on this machine (where a worker sends from; `env` its environment). */
export async function checkStoredChatSecrets(client: Client, env: NodeJS.ProcessEnv = process.env): Promise<Check> {
  const name = '群机器人密钥';
  const problems: string[] = [];
  let robots = 0;
  for (const planId of await listPlanIds(client)) {
    const { plan } = await client.workflow.getHandle(planWorkflowId(planId)).query(getPlanQuery);
    robots += directoryChannels(plan.directory).length;
    problems.push(...unreadableSecrets(plan.directory, env).map((p) => `计划 ${planId} ${p}`));
  }
  if (problems.length) return failed(name, problems.join('；'), '在运行 worker 的机器上设置这些环境变量或放好这些文件');
  return ok(name, robots ? `${robots}个群机器人的密钥均可读取` : '计划中没有群机器人');
}

/**
 * Who sees which plan (issue 26): an enabled account without a scope reads and acts on every plan
 * (those made before scopes, or added without one). With more than one plan running, a warning
 * naming them; so too a scope naming a plan that does not run (a slip, or a plan still to start).
 * `running` is undefined when Temporal could not be asked.
 */
export function checkAccountScopes(accounts: readonly Account[], running: readonly string[] | undefined): Check {
  const name = '账号范围';
  const enabled = accounts.filter((a) => !a.disabled);
  if (!enabled.length) return ok(name, '没有启用的网页账号');
  const unscoped = enabled.filter((a) => !a.scope).map((a) => a.name);
  const idle = running
    ? enabled.flatMap((a) =>
        a.scope && a.scope.plans !== 'all' ? a.scope.plans.filter((id) => !running.includes(id)).map((id) => `${a.name}的计划${id}`) : [],
      )
    : [];
  const plans = running ? `${running.length}个计划` : '全部计划';
  const problems = [
    unscoped.length && (running?.length ?? 2) > 1 && `${unscoped.length}个账号未限定范围，可查看和办理${plans}：${unscoped.join('、')}`,
    idle.length && `范围中有没有运行的计划：${idle.join('、')}`,
  ].filter((p): p is string => !!p);
  if (problems.length)
    return {
      name,
      status: 'warn',
      detail: problems.join('；'),
      fix: 'rectify user scope <账号> --plans <计划编号>（市、省巡察办用 --all 或 --read-all）；计划编号有误的同样改正',
    };
  const scoped = enabled.length - unscoped.length;
  return ok(
    name,
    `${enabled.length}个启用的账号${scoped ? `，${scoped}个限定了范围` : ''}${unscoped.length ? `，${unscoped.length}个未限定范围（查看和办理全部计划）` : ''}`,
  );
}

/** The accounts' scopes against the running plans (undefined: Temporal was not reached). */
export async function checkAccountScopesOf(settings: Settings, running: readonly string[] | undefined): Promise<Check> {
  try {
    const desk = await openDeskState(settings);
    try {
      return checkAccountScopes(await desk.accounts.list(), running);
    } finally {
      await desk.close();
    }
  } catch (e) {
    return failed('账号范围', `无法读取账号：${(e as Error).message}`, '检查 RECTIFY_DATABASE_URL（或账号文件）');
  }
}

/** Beyond loopback the web needs a link secret and an account. */
export async function checkWebExposure(settings: Settings): Promise<Check> {
  const name = '网页对外访问';
  let problem: string | undefined;
  try {
    const desk = await openDeskState(settings);
    try {
      problem = await exposureProblem(settings, desk.accounts);
    } finally {
      await desk.close();
    }
  } catch (e) {
    return failed(name, `无法读取账号：${(e as Error).message}`, '检查 RECTIFY_DATABASE_URL（或账号文件）');
  }
  if (problem) return failed(name, problem, 'rectify web 在满足上述条件前拒绝启动');
  return ok(name, `${settings.web.host}:${settings.web.port}${settings.links.secret ? '，链接密钥已设置' : '，仅本机访问'}`);
}

/**
 * Replies by mail: whether mail carries reply addresses (RECTIFY_INBOUND_DOMAIN, the workers' too),
 * where `rectify inbound` listens, and that its TLS files can be read.
 */
export function checkInbound(settings: Settings): Check {
  const name = '邮件回复';
  const i = settings.inbound;
  if (!i.domain && settings.embedded)
    return ok(name, '未设置 RECTIFY_INBOUND_DOMAIN：单位邮件不带回复地址（rectify dev 用 reply+…@localhost）');
  if (!i.domain)
    return {
      name,
      status: 'warn',
      detail: '未设置 RECTIFY_INBOUND_DOMAIN：单位邮件不带回复地址，回复只到巡察办邮箱',
      fix: '为回复地址指定域名（如 reply.example.org，MX 指向运行 rectify inbound 的机器），在 worker 和 rectify inbound 的环境中都设置',
    };
  for (const file of i.tls ? [i.tls.keyFile, i.tls.certFile] : []) {
    try {
      readFileSync(file);
    } catch (e) {
      return failed(name, `无法读取 ${file}：${(e as Error).message}`, '检查 RECTIFY_INBOUND_TLS_KEY 和 RECTIFY_INBOUND_TLS_CERT');
    }
  }
  const tls = i.tls ? '，提供 STARTTLS' : '，未配置 TLS（RECTIFY_INBOUND_TLS_KEY/CERT）';
  return ok(
    name,
    `回复地址 reply+…@${i.domain}；rectify inbound 在 ${i.host}:${i.port}${tls}，每封不超过${i.maxBytes / 1024 / 1024} MB，每个发件人每小时${i.perSenderPerHour}封`,
  );
}

/** Ready to serve: Temporal, its search attributes and (when configured) SMTP. */
export async function readiness(client: Client, settings: Settings, options: { smtp: boolean }): Promise<Check[]> {
  const checks = [await checkTemporal(client, settings), await checkSearchAttributes(client, settings.namespace)];
  if (options.smtp && settings.mail.smtpUrl) checks.push(await checkSmtp(settings));
  return checks;
}
