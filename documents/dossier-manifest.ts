/**
 * A dossier's list of files (文件清单.csv): every file of the archive but the list itself, by its
 * path from the list's own folder, with its size in bytes, its SHA-256 and what it is. CSV, as the
 * live ledger's export: UTF-8 with a byte-order mark and CRLF, so that WPS and Excel open it in
 * Chinese and it prints; plain text any tool reads, and `sha256sum` checks each line's file.
 */
import { csvField } from './ledger-sheet';

export interface ManifestEntry {
  /** From the list's folder, with `/`: 佐证材料/整改报告.pdf. */
  path: string;
  size: number;
  sha256: string;
  /** What the file is: 本措施档案, 佐证材料（见整改经过第3项）, 整改台账 … */
  what: string;
}

export const MANIFEST_HEADERS = ['文件', '字节数', 'SHA-256', '说明'];

export function manifestCsv(entries: ManifestEntry[]): string {
  const lines = [MANIFEST_HEADERS, ...entries.map((e) => [e.path, e.size, e.sha256, e.what])].map((l) => l.map(csvField).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
