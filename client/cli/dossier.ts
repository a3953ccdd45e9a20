/** `rectify dossier`: 一事一档, a measure's (or a whole plan's) dossier as a zip, read from the workflows and the evidence store. */
import type { Command } from 'commander';
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { loadSettings } from '../../config/settings';
import { parseMeasureWorkflowId } from '../../contracts/ids';
import { resolveMeasure } from '../actions';
import { measureDossierZip, planDossierZip, type DossierArchive } from '../dossier';
import { FileEvidenceStore, PgEvidenceStore } from '../web/evidence-store';
import { InputError, refuseOverwrite, Reported, UsageError, withClient, withDeskState } from './common';

/** Where the archive goes, checked before anything is read: a .zip in a folder that exists. */
function checkOut(out: string | undefined, force: boolean | undefined): void {
  if (out === undefined) return;
  if (extname(out).toLowerCase() !== '.zip') throw new UsageError(`--out 应为 .zip 文件：${out}`);
  const dir = dirname(resolve(out));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(`--out ${out}：目录 ${dir} 不存在`);
  refuseOverwrite(out, force);
}

export function registerDossierCommand(program: Command): void {
  program
    .command('dossier [measure]')
    .description(
      '一事一档：一项措施的整改档案打包为 zip：Word 档案（基本情况、时限及延期、阶段节点、完成及核验、回头看、全部整改经过）、全部佐证材料（原文件名）和列明 SHA-256 的文件清单；只给 --plan 时为整个计划（每项措施一个文件夹，另附当日的整改台账和进展情况报告）',
    )
    .option('--plan <id>', '计划（措施编号在多个计划中时必须指定；不给措施编号时导出整个计划）')
    .option('--out <file>', '写入的 zip 文件（默认写在当前目录，按计划、措施和日期命名）')
    .option('--force', '覆盖已有文件')
    .addHelpText(
      'after',
      '\n示例：\n  rectify dossier 1.1\n  rectify dossier 1.1 --plan liangxi-2023 --out 措施1.1档案.zip\n  rectify dossier --plan liangxi-2023 --out 整改档案.zip',
    )
    .action(async (measureId: string | undefined, o: { plan?: string; out?: string; force?: boolean }) => {
      if (measureId === undefined && !o.plan)
        throw new UsageError('请给出措施编号（如 rectify dossier 1.1），或用 --plan <计划> 导出整个计划的档案');
      if (measureId !== undefined && !measureId.trim()) throw new UsageError('措施编号是空的');
      checkOut(o.out, o.force);
      const settings = loadSettings();
      const { archive, where } = await withDeskState((desk) =>
        withClient(async (client) => {
          const store = desk.pool
            ? new PgEvidenceStore(desk.pool, settings.web.evidenceDir)
            : new FileEvidenceStore(settings.web.evidenceDir);
          let made: DossierArchive;
          if (measureId === undefined) made = await planDossierZip(client, store, o.plan);
          else {
            const ids = parseMeasureWorkflowId(await resolveMeasure(client, measureId, o.plan, { withdrawn: true }))!;
            made = await measureDossierZip(client, store, ids.planId, ids.measureId);
          }
          return { archive: made, where: desk.pool ? desk.where : settings.web.evidenceDir };
        }),
      );
      const out = o.out ?? archive.name;
      if (o.out === undefined) refuseOverwrite(out, o.force);
      // Written whole or not at all.
      writeFileSync(`${out}.part`, archive.zip);
      renameSync(`${out}.part`, out);
      const what = measureId === undefined ? `${archive.measures}项措施的整改档案，另附整改台账和进展情况报告` : '整改档案';
      console.error(`已写入 ${out}：${what}，整改经过${archive.entries}项，佐证材料${archive.files}份`);
      if (archive.missing.length) {
        console.error(`rectify: 档案不完整：${archive.missing.length}份佐证材料未能放入（在 ${where} 中查找）：`);
        for (const m of archive.missing) console.error(`  ${m}`);
        throw new Reported('档案不完整');
      }
    });
}
