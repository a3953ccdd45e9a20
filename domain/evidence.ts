/**
 * Evidence files (佐证材料) as the web takes them: a short allow-list of types, each recognised
 * by its content (the name's extension must agree), and the words that stand for a stored file
 * in a measure's evidence list: `附件「整改报告.pdf」(1.2 MB,sha256:…)`. Pure.
 */

export const EVIDENCE_TYPES = {
  pdf: { label: 'PDF', mime: 'application/pdf' },
  docx: { label: 'Word 文档', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  xlsx: { label: 'Excel 表格', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  jpg: { label: 'JPEG 图片', mime: 'image/jpeg' },
  png: { label: 'PNG 图片', mime: 'image/png' },
  zip: { label: 'ZIP 压缩包', mime: 'application/zip' },
} as const;
export type EvidenceType = keyof typeof EVIDENCE_TYPES;

export const MAX_FILE_BYTES = 20 * 1024 * 1024;
export const MAX_SUBMISSION_BYTES = 100 * 1024 * 1024;
/** Files in one submission. */
export const MAX_FILES = 20;
export const ALLOWED_WORDS = 'PDF、Word(.docx)、Excel(.xlsx)、JPG、PNG、ZIP';

const EXTENSIONS: Record<string, EvidenceType> = {
  pdf: 'pdf',
  docx: 'docx',
  xlsx: 'xlsx',
  jpg: 'jpg',
  jpeg: 'jpg',
  png: 'png',
  zip: 'zip',
};

/** What the upload field says and accepts, from the limits above: the page and the server agree. */
export const ATTACHMENT_FIELD = {
  hint: `可多选，单个不超过${MAX_FILE_BYTES / 1024 / 1024} MB，合计不超过${MAX_SUBMISSION_BYTES / 1024 / 1024} MB；PDF、Word、Excel、JPG、PNG、ZIP`,
  accept: Object.keys(EXTENSIONS)
    .map((e) => `.${e}`)
    .join(','),
};

const startsWith = (head: Uint8Array, bytes: number[]) => bytes.every((b, i) => head[i] === b);
const contains = (head: Uint8Array, text: string) => Buffer.from(head).includes(text, 0, 'latin1');

/**
 * The type of a file from its first bytes (at least 8; a zip's entry names are read from the
 * first few KiB) and its name; a problem in words when the type is not allowed or the content is
 * not what the name says.
 */
export function sniffEvidence(name: string, head: Uint8Array): { type: EvidenceType } | { problem: string } {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  const claimed = ext ? EXTENSIONS[ext] : undefined;
  if (!claimed) return { problem: `“${name}”的类型不在允许之列（允许${ALLOWED_WORDS}）` };
  let actual: EvidenceType | undefined;
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) actual = 'pdf';
  else if (startsWith(head, [0xff, 0xd8, 0xff])) actual = 'jpg';
  else if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) actual = 'png';
  else if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    // Office files are zips whose parts name them; a plain zip is one too.
    if (claimed === 'docx') actual = contains(head, 'word/') ? 'docx' : 'zip';
    else if (claimed === 'xlsx') actual = contains(head, 'xl/') ? 'xlsx' : 'zip';
    else actual = 'zip';
  }
  if (!actual) return { problem: `“${name}”的内容不是${EVIDENCE_TYPES[claimed].label}（允许${ALLOWED_WORDS}）` };
  if (actual !== claimed) return { problem: `“${name}”的内容是${EVIDENCE_TYPES[actual].label}，与扩展名不符` };
  return { type: actual };
}

/** 1.2 MB, 340 KB, 12 字节. */
export function sizeWords(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes}字节`;
}

export interface EvidenceFile {
  sha256: string;
  name: string;
  size: number;
}

/**
 * The words a stored file stands as in a measure's evidence (and in a progress note), as the
 * workflows keep them: a data format read back by REF (people read it as plainEvidence gives it).
 */
export function evidenceRef(f: EvidenceFile): string {
  return `附件「${f.name}」(${sizeWords(f.size)},sha256:${f.sha256})`;
}

const REF = /附件「([^」]*)」\([^)]*?sha256:([0-9a-f]{64})\)/g;

/** A text with its stored files named as people read them: 附件“整改报告.pdf”（1.2 MB）, no digest. */
export function plainEvidence(text: string): string {
  return text.replace(new RegExp(REF.source, 'g'), (m) => {
    const name = /附件「([^」]*)」/.exec(m)?.[1] ?? '';
    const size = /\(([^,，)]*?)\s*[,，]\s*sha256:/.exec(m)?.[1]?.trim();
    return `附件“${name}”${size ? `（${size}）` : ''}`;
  });
}

/** The stored files a text names (each once), to link them. */
export function evidenceFiles(text: string): { name: string; sha256: string }[] {
  const seen = new Map<string, string>();
  for (const m of text.matchAll(REF)) if (!seen.has(m[2])) seen.set(m[2], m[1]);
  return [...seen].map(([sha256, name]) => ({ sha256, name }));
}

/** A file name as it may be kept and shown: no path, no control characters, at most 120 characters. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f「」]/g, '').trim();
  return clean.length > 120 ? clean.slice(clean.length - 120) : clean || '未命名文件';
}
