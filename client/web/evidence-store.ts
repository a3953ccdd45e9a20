/**
 * Uploaded evidence on disk: each file once, under var/evidence by its SHA-256, with a small
 * JSON beside it that keeps the original names and the measures it was submitted for (who may
 * fetch it through a link). An upload is staged to a temporary file while it is hashed and
 * measured; only a submission whose every file passed is kept, and one the workflow refused is
 * taken back.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import {
  cleanFileName,
  EVIDENCE_TYPES,
  MAX_FILE_BYTES,
  MAX_SUBMISSION_BYTES,
  sizeWords,
  sniffEvidence,
  type EvidenceFile,
  type EvidenceType,
} from '../../domain/evidence';

/** An upload refused: 413 (too large) or 415 (type), with the reason for the page. */
export class UploadError extends Error {
  constructor(
    readonly status: 413 | 415 | 400,
    message: string,
  ) {
    super(message);
  }
}

export interface StagedFile extends EvidenceFile {
  type: EvidenceType;
  tmp: string;
}

export interface EvidenceOwner {
  planId: string;
  measureId: string;
  name: string;
  by: string;
  at: string;
}

export interface EvidenceMeta {
  sha256: string;
  type: EvidenceType;
  size: number;
  owners: EvidenceOwner[];
}

const HEAD_BYTES = 8192;

export class EvidenceStore {
  constructor(readonly dir: string) {}

  private tmpDir(): string {
    const d = join(this.dir, 'tmp');
    mkdirSync(d, { recursive: true });
    return d;
  }

  /** Streams one upload to a temporary file, hashing it; refuses it by size (413: `budget` is what the submission has left) or content (415). */
  async stage(originalName: string, stream: Readable & { truncated?: boolean }, budget: number): Promise<StagedFile> {
    const name = cleanFileName(originalName);
    const tmp = join(this.tmpDir(), randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headLength = 0;
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > budget) return done(new UploadError(413, `本次提交的材料合计超过${sizeWords(MAX_SUBMISSION_BYTES)}的上限`));
        hash.update(chunk);
        if (headLength < HEAD_BYTES) {
          head.push(chunk);
          headLength += chunk.length;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(stream, meter, createWriteStream(tmp));
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
        throw new UploadError(413, `“${name}”超过单个文件${sizeWords(MAX_FILE_BYTES)}的上限`);
      throw e;
    }
    if (stream.truncated) {
      rmSync(tmp, { force: true });
      throw new UploadError(413, `“${name}”超过单个文件${sizeWords(MAX_FILE_BYTES)}的上限`);
    }
    if (size === 0) {
      rmSync(tmp, { force: true });
      throw new UploadError(400, `“${name}”是空文件`);
    }
    const sniffed = sniffEvidence(name, Buffer.concat(head).subarray(0, HEAD_BYTES));
    if ('problem' in sniffed) {
      rmSync(tmp, { force: true });
      throw new UploadError(415, sniffed.problem);
    }
    return { sha256: hash.digest('hex'), name, size, type: sniffed.type, tmp };
  }

  discard(files: StagedFile[]): void {
    for (const f of files) rmSync(f.tmp, { force: true });
  }

  /** Keeps staged files for a measure (each file once; its owners record who submitted it for which measure, under which name). */
  commit(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): void {
    mkdirSync(this.dir, { recursive: true });
    for (const f of files) {
      const path = this.path(f.sha256);
      const meta = this.meta(f.sha256) ?? { sha256: f.sha256, type: f.type, size: f.size, owners: [] };
      if (existsSync(path)) rmSync(f.tmp, { force: true });
      else renameSync(f.tmp, path);
      meta.owners.push({ ...owner, name: f.name });
      this.writeMeta(meta);
    }
  }

  /** Takes back a refused submission: its owner entries go, and a file nobody else submitted goes with them. */
  rollback(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): void {
    for (const f of files) {
      const meta = this.meta(f.sha256);
      if (!meta) continue;
      const i = meta.owners.findIndex(
        (o) => o.planId === owner.planId && o.measureId === owner.measureId && o.at === owner.at && o.by === owner.by,
      );
      if (i >= 0) meta.owners.splice(i, 1);
      if (meta.owners.length) this.writeMeta(meta);
      else {
        rmSync(this.path(f.sha256), { force: true });
        rmSync(`${this.path(f.sha256)}.json`, { force: true });
      }
    }
  }

  meta(sha256: string): EvidenceMeta | undefined {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const file = `${this.path(sha256)}.json`;
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as EvidenceMeta;
  }

  path(sha256: string): string {
    return join(this.dir, sha256);
  }

  mime(type: EvidenceType): string {
    return EVIDENCE_TYPES[type].mime;
  }

  /** Every stored file (tests: nothing stored after a refused upload). */
  count(): number {
    if (!existsSync(this.dir)) return 0;
    return readdirSync(this.dir).filter((f) => /^[0-9a-f]{64}$/.test(f)).length;
  }

  private writeMeta(meta: EvidenceMeta): void {
    const file = `${this.path(meta.sha256)}.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify(meta, null, 2));
    renameSync(`${file}.tmp`, file);
  }
}
