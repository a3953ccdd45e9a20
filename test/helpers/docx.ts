/** Word files read back as their readers read them: the paragraphs of the body, in order, as text. */
import JSZip from 'jszip';

const unescape = (t: string) =>
  t
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Every paragraph of a .docx's body (a table cell's lines each one), its runs joined. */
export async function docxParagraphs(docx: Buffer): Promise<string[]> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  return xml.split('</w:p>').map((p) => unescape([...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('')));
}
