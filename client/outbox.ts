/** `rectify outbox`: the mails of the embedded default (.eml files), newest last. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface OutboxMail {
  file: string;
  date?: Date;
  to: string;
  subject: string;
}

export async function listOutbox(dir: string): Promise<OutboxMail[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return Promise.all(
    names.map(async (file) => {
      const mail = await readMail(join(dir, file));
      return { file, date: mail.date, to: addresses(mail), subject: mail.subject ?? '' };
    }),
  );
}

export async function readMail(path: string): Promise<ParsedMail> {
  return simpleParser(await readFile(path));
}

export function addresses(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.map((a) => a.text).join(', ');
}
