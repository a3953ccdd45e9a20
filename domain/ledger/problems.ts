/**
 * A ledger's problem cells: numbered as offices number them (一、, (一), 1., 问题1:, or a bare
 * number) or a title alone, and the ordinals 一 … 九十九 as numbers.
 */

/** 一 … 九十九 (and digits) as a number. */
export function ordinalNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const digits = '零一二三四五六七八九';
  if (!/^[一二三四五六七八九十]{1,3}$/.test(s)) return undefined;
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 ? digits.indexOf(s) : undefined;
  const tens = ten === 0 ? 1 : digits.indexOf(s[0]);
  const ones = ten === s.length - 1 ? 0 : digits.indexOf(s[ten + 1]);
  return tens >= 1 && ones >= 0 && ten <= 1 ? tens * 10 + ones : undefined;
}

/** "2", "问题2:", "2. 争先进位…", "一、…", "(一)…", "关于“…”问题", or a bare title. */
export function parseProblem(cell: string): { no?: number; title: string } | undefined {
  if (!cell) return undefined;
  const n = '(\\d+|[一二三四五六七八九十]{1,3})';
  const m =
    new RegExp(`^问题\\s*${n}\\s*[.、．:：]?\\s*([\\s\\S]*)$`).exec(cell) ??
    new RegExp(`^[(（]\\s*${n}\\s*[)）]\\s*[.、．:：]?\\s*([\\s\\S]*)$`).exec(cell) ??
    new RegExp(`^${n}\\s*[.、．:：]\\s*([\\s\\S]*)$`).exec(cell) ??
    // A bare number: alone, or set apart by a space (never 2023年…, 12345热线…, 5G…).
    /^(\d{1,3})(?:\s+([\s\S]*))?$/.exec(cell);
  const no = m ? ordinalNumber(m[1]) : undefined;
  const rest = (m && no !== undefined ? (m[2] ?? '') : cell).trim();
  const title = rest
    .replace(/^关于\s*[“"「『‘']?/, '')
    .replace(/[”"」』’']?\s*(?:问题)?(?:的整改)?\s*[。.]?$/, '')
    .trim();
  return { no, title };
}
