/**
 * What a person typed (a progress note, a reason, an item of evidence) as printed prose: the links
 * in it taken out to be shown apart, stored files named by name and size, lines joined, official
 * punctuation. Pure.
 */
import { plainEvidence } from './evidence';
import { officialText } from './typography';

const URL = /https?:\/\/[^\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u4e00-\u9fff]+/g;

/** A note or evidence as prose: links taken out (returned apart), stored files by name and size, lines joined. */
export function noteWords(text: string): { text: string; links: string[] } {
  const links: string[] = [];
  const lines = text
    .split(/\r?\n/)
    .map((line) =>
      plainEvidence(line)
        .replace(URL, (m) => {
          links.push(m.replace(/[.,;:!?)]+$/, ''));
          return '';
        })
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/^[，,；;：:、]+|[，,；;：:、]+$/g, ''),
    )
    .filter((l) => l && !/^[。.\s]+$/.test(l));
  const joined = lines.reduce((acc, l) => (!acc ? l : /[。！？!?…]$/.test(acc) ? `${acc}${l}` : `${acc}；${l}`), '');
  return { text: officialText(joined), links: [...new Set(links)] };
}
