#!/usr/bin/env node
/**
 * rectify: the command line of operators and the office (commander). Every command checks its
 * input first and changes nothing when the input is bad: the error names the file, the line or
 * row, and the field. Exit codes: 0 done, 1 refused or invalid input, 2 the command line itself.
 */
import { StoppedWaiting } from '../../runtime/wait-for-server';
import { Command, CommanderError } from 'commander';
import { CalendarStoreError } from '../../config/calendar-store';
import { loadDeploymentCalendar } from '../../config/desk';
import { CalendarYearUnavailableError } from '../../domain/calendar';
import { PlanError } from '../../domain/plan/load';
import { RequestRefused } from '../actions';
import { registerCalendarCommands } from './calendar';
import { registerClusterCommands } from './cluster';
import { InputError, printIssues, Reported, SAMPLE_PLAN, UsageError } from './common';
import { registerDossierCommand } from './dossier';
import { registerLookbackCommands } from './lookback';
import { registerMeasureCommands } from './measures';
import { registerMigrateCommand } from './migrate';
import { registerPlanCommands } from './plans';
import { registerRollupCommand } from './rollup';
import { registerLedgerCommands, registerReportCommands } from './report';
import { registerSystemCommands } from './system';
import { registerUserCommands } from './users';

export { SAMPLE_PLAN };

const CONNECTION_HELP = `
连接：未设置 TEMPORAL_ADDRESS 时连接本机内嵌服务器127.0.0.1:7233;
      也支持 TEMPORAL_NAMESPACE、TEMPORAL_API_KEY、TEMPORAL_TLS_*、TEMPORAL_PROFILE。
退出码：0完成；1输入有误或请求被拒绝（已说明原因，未做任何改动）；2命令行用法有误。`;

function program(setExitCode: (code: number) => void): Command {
  const root = new Command('rectify')
    .description('巡视整改措施的提醒、督办与回头看（基于 Temporal）')
    .helpOption('-h, --help', '显示帮助')
    .helpCommand('help [命令]', '显示命令的帮助')
    .showSuggestionAfterError(true)
    // A command's options after its subcommand's name are the subcommand's (rollup --plans, rollup digest --plans).
    .enablePositionalOptions()
    .addHelpText('after', CONNECTION_HELP)
    .exitOverride()
    // Help goes to stdout, or to stderr when shown for a command given without its subcommand; errors are said by main().
    .configureOutput({
      writeOut: (s) => console.log(s.replace(/\n$/, '')),
      writeErr: (s) => console.error(s.replace(/\n$/, '')),
      outputError: () => undefined,
    });
  registerPlanCommands(root);
  registerMeasureCommands(root);
  registerLookbackCommands(root);
  registerReportCommands(root);
  registerLedgerCommands(root);
  registerDossierCommand(root);
  registerRollupCommand(root);
  registerCalendarCommands(root);
  registerSystemCommands(root, setExitCode);
  registerMigrateCommand(root);
  registerUserCommands(root);
  registerClusterCommands(root);
  // Subcommands inherit the settings above: help in Chinese, errors handled by main().
  const inherit = (cmd: Command) => {
    for (const sub of cmd.commands) {
      sub.helpOption('-h, --help', '显示帮助').exitOverride().configureOutput(root.configureOutput()).showSuggestionAfterError(true);
      inherit(sub);
    }
  };
  inherit(root);
  return root;
}

/** Commander's own errors, said in Chinese; its suggestion ("Did you mean …?") kept. */
function usageMessage(e: CommanderError): string {
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  const suggestion = /Did you mean (.+)\?/.exec(e.message)?.[1];
  const hint = suggestion ? `（是不是 ${suggestion}？）` : '';
  switch (e.code) {
    case 'commander.unknownCommand':
      return `未知命令：${quoted}${hint}`;
    case 'commander.unknownOption':
      return `未知选项：${quoted}${hint}`;
    case 'commander.missingArgument':
      return `缺少参数：<${quoted}>`;
    case 'commander.missingMandatoryOptionValue':
      return `缺少${
        /option '([^']+)'/
          .exec(e.message)?.[1]
          ?.split(/[ ,]/)
          .find((p) => p.startsWith('--')) ?? quoted
      }`;
    case 'commander.optionMissingArgument':
      return `选项缺少值：${quoted}`;
    case 'commander.excessArguments': {
      const [, expected, got] = /Expected (\d+) arguments? but got (\d+)/.exec(e.message) ?? [];
      return expected ? `参数过多：应为${expected}个，给了${got}个` : '参数过多';
    }
    default:
      return e.message.replace(/^error: /, '');
  }
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const root = program((code) => (exitCode = code));
  try {
    // Years installed for the deployment count as published for every command (and the worker).
    await loadDeploymentCalendar();
    if (!argv.length) {
      root.outputHelp();
      return 2;
    }
    await root.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help: 0; a group without its subcommand (help shown on stderr): 2.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version')
        return e.exitCode === 0 ? 0 : 2;
      console.error(`rectify: ${usageMessage(e)}\n（rectify --help 查看用法）`);
      return 2;
    }
    if (e instanceof UsageError) {
      console.error(`rectify: ${e.message}\n（rectify <命令> --help 查看用法）`);
      return 2;
    }
    if (e instanceof PlanError) {
      printIssues(e.issues);
      console.error(`rectify: 计划有${e.issues.filter((i) => i.severity === 'error').length}处错误，未做任何改动`);
      return 1;
    }
    if (e instanceof Reported) return 1;
    if (e instanceof StoppedWaiting) {
      // Stopped (SIGTERM, Ctrl-C) while waiting for the server: a clean stop.
      console.error(`rectify: ${e.message}`);
      return 0;
    }
    if (
      e instanceof InputError ||
      e instanceof CalendarYearUnavailableError ||
      e instanceof RequestRefused ||
      e instanceof CalendarStoreError
    ) {
      console.error(`rectify: ${e.message}`);
      return 1;
    }
    console.error(`rectify: ${(e as Error).message ?? e}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
