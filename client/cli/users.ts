/** Accounts of office staff and leaders for the web, and the plans each reaches: `rectify user add|scope|passwd|disable|list`. */
import { Client, Connection } from '@temporalio/client';
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { loadSettings } from '../../config/settings';
import { parseScope } from '../../config/users';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLES, scopeWords, type AccountScope } from '../../domain/permissions';
import { listPlanIds } from '../records';
import { InputError, withDeskState } from './common';

interface ScopeOptions {
  plans?: string;
  all?: boolean;
  readAll?: boolean;
}

const SCOPE_HELP = `
范围（哪些计划）：
  --plans a,b     查看和办理这些计划（区巡察办账号）
  --all           查看和办理全部计划，包括以后启动的（市、省巡察办）
  --read-all      查看全部计划；与 --plans 同用时只办理所列计划
  领导账号在范围内只查看、不办理。未设范围的账号查看和办理全部计划（rectify doctor 提示）。`;

/**
 * The plans a scope names that are not running now: said, not refused, since accounts are often
 * made before their district's plan is started. Temporal out of reach: said so, nothing checked.
 */
async function warnUnknownPlans(scope: AccountScope | undefined): Promise<void> {
  if (!scope || scope.plans === 'all' || !scope.plans.length) return;
  const settings = loadSettings();
  let running: string[];
  try {
    const connection = await Connection.connect({ ...settings.connectionOptions, connectTimeout: '3s' });
    try {
      running = await listPlanIds(new Client({ connection, namespace: settings.namespace }));
    } finally {
      await connection.close();
    }
  } catch {
    console.warn(`提示：未能连接 Temporal ${settings.connectionOptions.address}，没有核对计划编号${scope.plans.join('、')}是否在运行`);
    return;
  }
  const unknown = scope.plans.filter((id) => !running.includes(id));
  if (unknown.length)
    console.warn(
      `提示：计划${unknown.join('、')}目前没有运行，启动后即可查看${running.length ? `（运行中的计划：${running.join('、')}）` : ''}`,
    );
}

/** The scope options on a command. */
function scopeOptions(c: Command): Command {
  return c
    .option('--plans <ids>', '查看和办理的计划编号，逗号分隔')
    .option('--all', '查看和办理全部计划')
    .option('--read-all', '查看全部计划（与 --plans 同用时只办理所列计划）');
}

/** A password: typed twice without echo at a terminal, else the first line of standard input. */
async function readPassword(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    throw new InputError('没有从标准输入读到密码');
  }
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
      const out = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
      let prompted = false;
      out._writeToOutput = (s: string) => {
        if (!prompted) {
          process.stdout.write(s);
          prompted = true;
        }
      };
      rl.question(q, (answer) => {
        rl.close();
        process.stdout.write('\n');
        resolve(answer);
      });
    });
  const first = await ask(prompt);
  const again = await ask('再输入一次：');
  if (first !== again) throw new InputError('两次输入的密码不一致，未作更改');
  return first;
}

export function registerUserCommands(program: Command): void {
  const user = program
    .command('user')
    .description(
      '网页账号（巡察办工作人员、区领导）；保存在 var/users.json（或 RECTIFY_USERS 指定的文件），设置了 RECTIFY_DATABASE_URL 时保存在数据库；密码以 scrypt 散列保存',
    );

  scopeOptions(
    user
      .command('add <name>')
      .description('添加账号；密码在终端中输入两次（不回显），或从标准输入读第一行')
      .requiredOption('--role <role>', `角色：${ACCOUNT_ROLES.map((r) => `${r}（${ACCOUNT_ROLE_LABELS[r]}）`).join('、')}`),
  )
    .addHelpText(
      'after',
      `${SCOPE_HELP}\n示例：\n  rectify user add 区巡察办督查科 --role office --plans liangxi-2023\n  rectify user add 市巡察办督查科 --role office --all\n  printf "%s\\n" "$PASSWORD" | rectify user add 常务副区长 --role leadership --plans liangxi-2023`,
    )
    .action((name: string, o: { role: string } & ScopeOptions) =>
      withDeskState(async ({ accounts }) => {
        // The name, role and scope are checked before anyone types a password.
        if (!(ACCOUNT_ROLES as readonly string[]).includes(o.role))
          throw new InputError(`--role 应为 ${ACCOUNT_ROLES.join(' 或 ')}：${o.role}`);
        const scope = parseScope(o);
        if (await accounts.find(name)) throw new InputError(`账号“${name}”已存在（改密码用“rectify user passwd ${name}”）`);
        const account = await accounts.add(name, o.role, await readPassword(`账号${name}的密码：`), scope);
        console.log(
          `已添加账号${account.name}（${ACCOUNT_ROLE_LABELS[account.role]}），范围：${scopeWords(account.scope)}，保存在 ${accounts.where}`,
        );
        if (!scope) console.warn(`提示：未指定范围，该账号可查看和办理全部计划；限定范围用“rectify user scope ${name} --plans <计划编号>”`);
        await warnUnknownPlans(scope);
      }),
    );

  scopeOptions(user.command('scope <name>').description('设定账号可查看和办理的计划；该账号已登录的会话随即失效'))
    .addHelpText(
      'after',
      `${SCOPE_HELP}\n示例：\n  rectify user scope 区巡察办督查科 --plans liangxi-2023\n  rectify user scope 省巡察办 --read-all --plans liangxi-2023`,
    )
    .action((name: string, o: ScopeOptions) =>
      withDeskState(async ({ accounts }) => {
        const scope = parseScope(o);
        if (!scope) throw new InputError('请用 --plans、--all 或 --read-all 指定范围');
        const account = await accounts.setScope(name, scope);
        console.log(`已设定账号${account.name}的范围：${scopeWords(account.scope)}`);
        await warnUnknownPlans(scope);
      }),
    );

  user
    .command('passwd <name>')
    .description('重设密码（停用的账号同时恢复）；该账号已登录的会话随即失效')
    .action((name: string) =>
      withDeskState(async ({ accounts }) => {
        if (!(await accounts.find(name))) throw new InputError(`没有账号“${name}”（用“rectify user list”查看）`);
        await accounts.passwd(name, await readPassword(`账号${name}的新密码：`));
        console.log(`已重设账号${name}的密码`);
      }),
    );

  user
    .command('disable <name>')
    .description('停用账号；该账号已登录的会话随即失效')
    .action((name: string) =>
      withDeskState(async ({ accounts }) => {
        await accounts.disable(name);
        console.log(`已停用账号${name}`);
      }),
    );

  user
    .command('list')
    .description('列出账号')
    .action(() =>
      withDeskState(async ({ accounts }) => {
        const all = await accounts.list();
        for (const a of all)
          console.log([a.name, ACCOUNT_ROLE_LABELS[a.role], scopeWords(a.scope), a.disabled ? '已停用' : '启用', a.updatedAt].join('\t'));
        console.log(`${accounts.where}：${all.length}个账号`);
      }),
    );
}
