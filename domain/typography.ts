/**
 * Chinese as official documents set it (GB/T 15834 标点符号用法): full-width ，；：（）！？ and “”
 * in Chinese prose, no space between Chinese and numbers. `officialText` puts text the office or a
 * lead unit typed (imported ledgers, plan files, notes) into that form when it is printed; numbers,
 * decimals, times, URLs, e-mail addresses and ids are left as they are. Pure.
 */

/** A Chinese character (the unified ideographs and extension A) or full-width punctuation. */
const HAN = '\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff';
const WIDE = `${HAN}\\u3000-\\u303f\\uff01-\\uff0f\\uff1a-\\uff20\\uff3b-\\uff40\\uff5b-\\uff65\\u2018\\u2019\\u201c\\u201d\\u2026\\u2014\\u00b7`;
const isWide = (c: string | undefined) => !!c && new RegExp(`[${WIDE}]`).test(c);

/** Whether a text has Chinese in it at all: other text is left alone. */
export function hasChinese(text: string): boolean {
  return new RegExp(`[${HAN}]`).test(text);
}

/** Spans never touched: URLs, e-mail addresses. */
const PROTECTED =
  /(?:https?:\/\/|www\.)[^\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u4e00-\u9fff]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

const FULL: Record<string, string> = { ',': '，', ';': '；', ':': '：', '!': '！', '?': '？' };

/**
 * ASCII punctuation touching Chinese becomes full-width (，；：！？ and paired （）), 「」 and
 * straight quotes around Chinese become “”, and spaces between Chinese and numbers or full-width
 * punctuation go. `1,000`, `3.5`, `09:00`, `v1.2`, URLs and addresses are kept.
 */
export function officialText(text: string): string {
  if (!hasChinese(text)) return text;
  const kept: string[] = [];
  const masked = text.replace(PROTECTED, (m) => {
    kept.push(m);
    return `\uE000${kept.length - 1}\uE000`;
  });
  const out = punctuate(quotes(masked)).replace(/「/g, '“').replace(/」/g, '”').replace(/『/g, '‘').replace(/』/g, '’');
  return spaces(out).replace(/\uE000(\d+)\uE000/g, (_m, i: string) => kept[Number(i)]);
}

function punctuate(s: string): string {
  const chars = [...s];
  const prev = (i: number) => {
    for (let j = i - 1; j >= 0; j--) if (chars[j] !== ' ') return chars[j];
    return undefined;
  };
  const next = (i: number) => {
    for (let j = i + 1; j < chars.length; j++) if (chars[j] !== ' ') return chars[j];
    return undefined;
  };
  const digit = (c: string | undefined) => !!c && /[0-9]/.test(c);
  const open: number[] = [];
  const pairs = new Map<number, number>();
  chars.forEach((c, i) => {
    if (c === '(') open.push(i);
    else if (c === ')' && open.length) pairs.set(open.pop()!, i);
  });
  for (const [o, c] of pairs) {
    const inner = chars.slice(o + 1, c).join('');
    if (hasChinese(inner) || isWide(prev(o)) || isWide(next(c))) {
      chars[o] = '（';
      chars[c] = '）';
    }
  }
  chars.forEach((c, i) => {
    const full = FULL[c];
    if (!full) return;
    const [p, n] = [prev(i), next(i)];
    if (c === ',' && digit(chars[i - 1]) && /^[0-9]{3}(?![0-9])/.test(chars.slice(i + 1, i + 5).join(''))) return; // 1,000
    if (c === ':' && (digit(chars[i - 1]) || !isWide(chars[i - 1] === ' ' ? undefined : chars[i - 1]))) return; // 09:00, unit:区发改委
    if ((c === '!' || c === '?') && !isWide(p)) return;
    if (isWide(p) || isWide(n)) chars[i] = full;
  });
  return chars.join('');
}

/** "…" around Chinese → “…”. */
function quotes(s: string): string {
  return s.replace(/"([^"\n]*)"/g, (m, inner: string) => (hasChinese(inner) ? `“${inner}”` : m));
}

/** No space between Chinese and numbers, nor around full-width punctuation. */
function spaces(s: string): string {
  const punct = '，；：（）！？。、“”‘’《》【】';
  return s
    .replace(new RegExp(`([${HAN}]) +(?=[0-9])`, 'g'), '$1')
    .replace(new RegExp(`([0-9%]) +(?=[${HAN}])`, 'g'), '$1')
    .replace(new RegExp(` +(?=[${punct}])`, 'g'), '')
    .replace(new RegExp(`([${punct}]) +`, 'g'), '$1');
}

/** Brackets inside brackets（…（…）…）, for checks of what people read: GB/T 15834 nests no round brackets. */
export function nestedBrackets(text: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = 0;
  [...text].forEach((c, i, chars) => {
    if (c === '（' || c === '(') {
      if (depth === 0) start = i;
      depth += 1;
      if (depth === 2) found.push(chars.slice(start, i + 12).join(''));
    } else if ((c === '）' || c === ')') && depth > 0) depth -= 1;
    else if (c === '\n') depth = 0;
  });
  return found;
}

/** ASCII punctuation that touches a Chinese character, for checks of what people read. */
export function halfWidthTouchingChinese(text: string): string[] {
  const found: string[] = [];
  const plain = text.replace(PROTECTED, ' ');
  const re = new RegExp(`[${HAN}][,;:()!?]|[,;:()!?][${HAN}]`, 'g');
  for (const m of plain.matchAll(re)) {
    const at = m.index ?? 0;
    found.push(plain.slice(Math.max(0, at - 8), at + 10));
  }
  return found;
}
