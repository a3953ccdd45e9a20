/**
 * 一事一档 from the desk: a measure's dossier (`/measures/<plan>/<measure>/dossier.zip`) and a
 * plan's (`/dossier.zip?plan=<plan>`), the same zips `rectify dossier` writes. They hold the
 * evidence files, so they go to signed-in accounts only (office staff and leaders, as evidence
 * does): on an install without accounts, where anyone on the machine reads the desk, the command
 * line makes them. Only a plan the account reads (scope.ts): another district's is not there (404);
 * without ?plan= the first it reads. Each download is logged with who took it.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import { InputError } from '../../config/plan-files';
import { measureDossierZip, planDossierZip, type DossierArchive } from '../dossier';
import type { Desk } from './desk';
import { PageError } from './page-error';
import { attachment } from './reading-routes';
import { readable, visibleTo } from './scope';
import { listPlanIds, plansOf, readRecords } from '../records';

/** Signed in (the read guard has sent the others to sign in, where accounts exist). */
async function signedIn(req: FastifyRequest): Promise<void> {
  if (!req.account)
    throw new PageError(
      403,
      '无权下载',
      '整改档案含佐证材料，只提供给登录的巡察办和区领导账号。',
      '请登录后下载；未设账号的安装请在服务器上用 rectify dossier 导出。',
    );
}

/** The ASCII file name for browsers that do not read RFC 5987's. */
const ascii = (...parts: string[]) => `dossier-${parts.map((p) => p.replace(/[^A-Za-z0-9._-]/g, '_')).join('-')}.zip`;

export function registerDossierRoutes({ app, o, now, readGuard }: Desk): void {
  /** The running plans: from their plan workflows, or from the measures where plans run without one. */
  const runningPlanIds = async () => {
    const ids = await listPlanIds(o.client);
    return ids.length ? ids : plansOf((await readRecords(o.client)).records).map((p) => p.id);
  };
  const send = (req: FastifyRequest, archive: DossierArchive, about: Record<string, unknown>) => {
    req.log.info({ ...about, account: req.account?.name, files: archive.files, missing: archive.missing.length }, '下载整改档案');
    if (archive.missing.length) req.log.warn({ ...about, missing: archive.missing }, '整改档案中有佐证材料未能取得');
  };

  app.get(
    '/measures/:planId/:measureId/dossier.zip',
    { preHandler: [readGuard, signedIn], config: { rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const { planId, measureId } = req.params as { planId: string; measureId: string };
      const missing = () => new PageError(404, '找不到措施', `计划“${planId}”中没有措施“${measureId}”。`, '请从台账中选择措施。');
      // Another district's measure is not there: the same page, before anything is read.
      if (!readable(req, planId)) throw missing();
      let archive: DossierArchive;
      try {
        archive = await measureDossierZip(o.client, o.evidence, planId, measureId, now());
      } catch (e) {
        if (e instanceof WorkflowNotFoundError) throw missing();
        throw e;
      }
      send(req, archive, { planId, measureId });
      return attachment(reply, archive.name, ascii(planId, measureId), 'application/zip')
        .header('cache-control', 'private, no-store')
        .send(archive.zip);
    },
  );

  app.get(
    '/dossier.zip',
    { preHandler: [readGuard, signedIn], config: { rateLimit: { max: 5, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const plan = (req.query as Record<string, unknown>).plan;
      const asked = typeof plan === 'string' && plan ? plan : undefined;
      const unknown = () =>
        new PageError(404, '无法生成整改档案', `没有运行中的计划“${asked ?? ''}”。`, '在地址中用 ?plan=<计划编号> 指定计划。');
      if (asked !== undefined && !readable(req, asked)) throw unknown();
      let planId = asked;
      if (req.account?.scope) {
        // A scoped account: a plan of its own that runs (the command's refusal would name every plan), or its first.
        const running = visibleTo(req, await runningPlanIds());
        planId = asked ?? running[0];
        if (planId === undefined || !running.includes(planId)) throw unknown();
      }
      let archive: DossierArchive;
      try {
        archive = await planDossierZip(o.client, o.evidence, planId, now());
      } catch (e) {
        if (e instanceof InputError)
          throw new PageError(planId ? 404 : 400, '无法生成整改档案', e.message, '在地址中用 ?plan=<计划编号> 指定计划。');
        throw e;
      }
      send(req, archive, { planId });
      return attachment(reply, archive.name, ascii(planId ?? 'plan'), 'application/zip')
        .header('cache-control', 'private, no-store')
        .send(archive.zip);
    },
  );
}
