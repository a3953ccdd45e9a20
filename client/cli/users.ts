/** Accounts of office staff and leaders for the web: `rectify user add|passwd|disable|list`. */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { ACCOUNT_ROLE_LABELS, ACCOUNT_ROLES } from '../../domain/permissions';
import { InputError, withDeskState } from './common';

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

  user
    .command('add <name>')
    .description('添加账号；密码在终端中输入两次（不回显），或从标准输入读第一行')
    .requiredOption('--role <role>', `角色：${ACCOUNT_ROLES.map((r) => `${r}（${ACCOUNT_ROLE_LABELS[r]}）`).join('、')}`)
    .addHelpText(
      'after',
      '\n示例：\n  rectify user add 督查科 --role office\n  printf "%s\\n" "$PASSWORD" | rectify user add 常务副区长 --role leadership',
    )
    .action((name: string, o: { role: string }) =>
      withDeskState(async ({ accounts }) => {
        // The name and role are checked before anyone types a password.
        if (!(ACCOUNT_ROLES as readonly string[]).includes(o.role))
          throw new InputError(`--role 应为 ${ACCOUNT_ROLES.join(' 或 ')}：${o.role}`);
        if (await accounts.find(name)) throw new InputError(`账号“${name}”已存在（改密码用“rectify user passwd ${name}”）`);
        const account = await accounts.add(name, o.role, await readPassword(`账号${name}的密码：`));
        console.log(`已添加账号${account.name}（${ACCOUNT_ROLE_LABELS[account.role]}），保存在 ${accounts.where}`);
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
        for (const a of all) console.log([a.name, ACCOUNT_ROLE_LABELS[a.role], a.disabled ? '已停用' : '启用', a.updatedAt].join('\t'));
        console.log(`${accounts.where}：${all.length}个账号`);
      }),
    );
}
