/** Evidence files: types recognised by content, and the words that stand for a stored file. */
import { cleanFileName, evidenceFiles, evidenceRef, sniffEvidence } from '../../domain/evidence';

const bytes = (...b: (number | string)[]) =>
  Buffer.concat(b.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.from(x, 'latin1'))));
const PDF = bytes('%PDF-1.7\n');
const PNG = bytes(0x89, 'PNG\r\n', 0x1a, '\n', 'rest');
const JPG = bytes(0xff, 0xd8, 0xff, 0xe0, 'JFIF');
const zip = (entry: string) => bytes('PK', 0x03, 0x04, 'xxxxxxxxxxxxxxxxxxxxxxxxxx', entry);

describe('sniffEvidence', () => {
  it.each([
    ['整改报告.pdf', PDF, 'pdf'],
    ['照片.PNG', PNG, 'png'],
    ['现场.jpeg', JPG, 'jpg'],
    ['台账.xlsx', zip('[Content_Types].xmlxl/workbook.xml'), 'xlsx'],
    ['通知.docx', zip('[Content_Types].xmlword/document.xml'), 'docx'],
    ['材料.zip', zip('a.txt'), 'zip'],
  ])('%s is %s', (name, head, type) => {
    expect(sniffEvidence(name, head)).toEqual({ type });
  });

  it.each([
    ['脚本.exe', PDF, '类型不在允许之列'],
    ['无扩展名', PDF, '类型不在允许之列'],
    ['伪装.pdf', bytes('<html><script>'), '内容不是PDF'],
    ['伪装.pdf', PNG, '内容是PNG 图片，与扩展名不符'],
    ['表格.xlsx', zip('word/document.xml'), '内容是ZIP 压缩包，与扩展名不符'],
    ['图片.png', bytes('GIF89a'), '内容不是PNG 图片'],
  ])('%s with other content is refused', (name, head, words) => {
    const r = sniffEvidence(name, head);
    expect('problem' in r && r.problem).toContain(words);
  });
});

describe('evidence references', () => {
  it('a stored file stands in the evidence list by name, size and hash, and is found again', () => {
    const sha = 'a'.repeat(64);
    const ref = evidenceRef({ sha256: sha, name: '整改报告.pdf', size: 1_300_000 });
    expect(ref).toBe(`附件「整改报告.pdf」(1.2 MB,sha256:${sha})`);
    expect(evidenceFiles(`说明\n附件: ${ref};${ref}`)).toEqual([{ name: '整改报告.pdf', sha256: sha }]);
    expect(evidenceFiles('sha256:' + sha)).toEqual([]);
  });

  it('file names lose paths, control characters and the quote marks of the reference', () => {
    expect(cleanFileName('C:\\fakepath\\报告.pdf')).toBe('报告.pdf');
    expect(cleanFileName('../../etc/passwd')).toBe('passwd');
    expect(cleanFileName('a\u0000b「c」.pdf')).toBe('abc.pdf');
    expect(cleanFileName('')).toBe('未命名文件');
    expect(cleanFileName('x'.repeat(200) + '.pdf')).toHaveLength(120);
  });
});
