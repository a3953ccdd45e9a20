/**
 * Uploaded evidence, content-addressed: each file once by its SHA-256, with the original names
 * and the measures it was submitted for (who may fetch it through a link). An upload is staged to
 * a temporary file of this instance while it is hashed and measured; only a submission whose
 * every file passed is kept, and one the workflow refused is taken back. Kept on disk under
 * var/evidence for the embedded default (FileEvidenceStore), in the cluster's PostgreSQL for
 * every web instance at once (PgEvidenceStore). One piece: staging and both stores share the
 * same rules and differ only in where the bytes and owners go.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Pool } from 'pg';
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

export abstract class EvidenceStore {
  /** `stagingDir`: this instance's temporary files while uploads are checked. */
  constructor(readonly stagingDir: string) {}

  /** Keeps staged files for a measure (each file once; its owners record who submitted it for which measure, under which name). */
  abstract commit(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void>;
  /** Takes back a refused submission: its owner entries go, and a file nobody else submitted goes with them. */
  abstract rollback(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void>;
  abstract meta(sha256: string): Promise<EvidenceMeta | undefined>;
  /** The file's bytes, to serve. */
  abstract open(sha256: string): Promise<Readable | Buffer>;
  /** Every stored file (tests: nothing stored after a refused upload). */
  abstract count(): Promise<number>;

  private tmpDir(): string {
    const d = join(this.stagingDir, 'tmp');
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

  mime(type: EvidenceType): string {
    return EVIDENCE_TYPES[type].mime;
  }
}

/** On disk (the embedded default): var/evidence/<sha256>, and <sha256>.json with its owners. */
export class FileEvidenceStore extends EvidenceStore {
  constructor(readonly dir: string) {
    super(dir);
  }

  /** Keeps staged files for a measure (each file once; its owners record who submitted it for which measure, under which name). */
  commit(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    for (const f of files) {
      const path = this.path(f.sha256);
      const meta = this.readMeta(f.sha256) ?? { sha256: f.sha256, type: f.type, size: f.size, owners: [] };
      if (existsSync(path)) rmSync(f.tmp, { force: true });
      else renameSync(f.tmp, path);
      meta.owners.push({ ...owner, name: f.name });
      this.writeMeta(meta);
    }
    return Promise.resolve();
  }

  /** Takes back a refused submission: its owner entries go, and a file nobody else submitted goes with them. */
  rollback(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void> {
    for (const f of files) {
      const meta = this.readMeta(f.sha256);
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
    return Promise.resolve();
  }

  meta(sha256: string): Promise<EvidenceMeta | undefined> {
    return Promise.resolve(this.readMeta(sha256));
  }

  private readMeta(sha256: string): EvidenceMeta | undefined {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const file = `${this.path(sha256)}.json`;
    if (!existsSync(file)) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as EvidenceMeta;
  }

  path(sha256: string): string {
    return join(this.dir, sha256);
  }

  /** Every stored file (tests: nothing stored after a refused upload). */
  count(): Promise<number> {
    if (!existsSync(this.dir)) return Promise.resolve(0);
    return Promise.resolve(readdirSync(this.dir).filter((f) => /^[0-9a-f]{64}$/.test(f)).length);
  }

  open(sha256: string): Promise<Readable> {
    return Promise.resolve(createReadStream(this.path(sha256)));
  }

  /** Every stored file with its owners (`rectify migrate` moves them to the database). */
  async *all(): AsyncGenerator<{ meta: EvidenceMeta; content: Buffer }> {
    if (!existsSync(this.dir)) return;
    for (const f of readdirSync(this.dir)
      .filter((n) => /^[0-9a-f]{64}$/.test(n))
      .sort()) {
      const meta = this.readMeta(f);
      if (meta) yield { meta, content: await readFile(this.path(f)) };
    }
  }

  private writeMeta(meta: EvidenceMeta): void {
    const file = `${this.path(meta.sha256)}.json`;
    writeFileSync(`${file}.tmp`, JSON.stringify(meta, null, 2));
    renameSync(`${file}.tmp`, file);
  }
}

interface OwnerRow {
  plan_id: string;
  measure_id: string;
  name: string;
  by_whom: string;
  at: string;
}

/**
 * In the cluster's PostgreSQL (evidence_files, evidence_owners): every web instance serves what
 * any of them took. The bytes are a bytea column: files are at most MAX_FILE_BYTES, kept with
 * their owners in one transaction, and backed up with the database (no large objects to clean).
 */
export class PgEvidenceStore extends EvidenceStore {
  constructor(
    private readonly pool: Pool,
    stagingDir: string,
  ) {
    super(stagingDir);
  }

  async commit(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const f of files) {
        await client.query(
          'INSERT INTO evidence_files (sha256, type, size, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING',
          [f.sha256, f.type, f.size, await readFile(f.tmp)],
        );
        await client.query('INSERT INTO evidence_owners (sha256, plan_id, measure_id, name, by_whom, at) VALUES ($1, $2, $3, $4, $5, $6)', [
          f.sha256,
          owner.planId,
          owner.measureId,
          f.name,
          owner.by,
          owner.at,
        ]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
    this.discard(files);
  }

  async rollback(files: StagedFile[], owner: Omit<EvidenceOwner, 'name'>): Promise<void> {
    for (const f of files) {
      await this.pool.query(
        `DELETE FROM evidence_owners WHERE ctid IN (SELECT ctid FROM evidence_owners
           WHERE sha256 = $1 AND plan_id = $2 AND measure_id = $3 AND by_whom = $4 AND at = $5 LIMIT 1)`,
        [f.sha256, owner.planId, owner.measureId, owner.by, owner.at],
      );
      await this.pool.query(
        'DELETE FROM evidence_files f WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM evidence_owners o WHERE o.sha256 = f.sha256)',
        [f.sha256],
      );
    }
  }

  async meta(sha256: string): Promise<EvidenceMeta | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined;
    const [file] = (
      await this.pool.query<{ type: EvidenceType; size: number }>('SELECT type, size FROM evidence_files WHERE sha256 = $1', [sha256])
    ).rows;
    if (!file) return undefined;
    const owners = (
      await this.pool.query<OwnerRow>('SELECT plan_id, measure_id, name, by_whom, at FROM evidence_owners WHERE sha256 = $1 ORDER BY at', [
        sha256,
      ])
    ).rows;
    return {
      sha256,
      type: file.type,
      size: file.size,
      owners: owners.map((o) => ({ planId: o.plan_id, measureId: o.measure_id, name: o.name, by: o.by_whom, at: o.at })),
    };
  }

  async open(sha256: string): Promise<Buffer> {
    const [row] = (await this.pool.query<{ content: Buffer }>('SELECT content FROM evidence_files WHERE sha256 = $1', [sha256])).rows;
    if (!row) throw new Error(`没有佐证材料 ${sha256}`);
    return row.content;
  }

  async count(): Promise<number> {
    return Number((await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM evidence_files')).rows[0].n);
  }

  /** `rectify migrate`: a file and its owners from var/evidence, once (its owners added only if it was not there). */
  async adopt(meta: EvidenceMeta, content: Buffer): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const r = await client.query(
        'INSERT INTO evidence_files (sha256, type, size, content) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING',
        [meta.sha256, meta.type, meta.size, content],
      );
      if (r.rowCount === 1)
        for (const o of meta.owners)
          await client.query(
            'INSERT INTO evidence_owners (sha256, plan_id, measure_id, name, by_whom, at) VALUES ($1, $2, $3, $4, $5, $6)',
            [meta.sha256, o.planId, o.measureId, o.name, o.by, o.at],
          );
      await client.query('COMMIT');
      return r.rowCount === 1;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
}
