/**
 * A JSON plan file's syntax error as the office reads it: the first one only (what a JSON parser
 * finds after a slip mostly follows from it), in Chinese, at the line of the slip (a missing comma
 * at the end of the line before the next item, a trailing comma where it stands), saying what to fix.
 */
import { printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { SyntaxFinding } from './lines';

export function jsonFindings(text: string, errors: readonly ParseError[]): SyntaxFinding[] {
  const e = [...errors].sort((a, b) => a.offset - b.offset)[0];
  if (!e) return [];
  const position = (offset: number) => {
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, col: before[before.length - 1].length + 1 };
  };
  const { line, col } = position(e.offset);
  const token = text.slice(e.offset, e.offset + e.length);
  let prev = e.offset - 1;
  while (prev >= 0 && /\s/.test(text[prev])) prev--;
  const before = position(Math.max(prev, 0));
  const where = `第${line}行第${col}列`;
  const code = printParseErrorCode(e.error);
  switch (code) {
    case 'CommaExpected': {
      // The comma belongs after the item before: at the end of its line, or right after it.
      const lineEnd = /^[ \t]*(\r?\n|$)/.test(text.slice(prev + 1));
      return [
        {
          line: before.line,
          message: lineEnd
            ? `第${before.line}行：行末缺少英文逗号；两项之间要用“,”隔开`
            : `第${before.line}行第${before.col + 1}列：此处缺少英文逗号；两项之间要用“,”隔开`,
        },
      ];
    }
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (text[prev] === ',' && /^[}\]]/.test(token))
        return [{ line: before.line, message: `第${before.line}行：末尾多了一个逗号；最后一项后面不能有“,”，请删去` }];
      return [
        {
          line,
          message:
            code === 'PropertyNameExpected'
              ? `${where}：这里应是用英文双引号括起来的字段名，如 "id"`
              : `${where}：这里缺少值；请写出值（如 "文字"、数字、[]、{}），或删去多余的逗号`,
        },
      ];
    default:
      return [{ line, message: `${where}：${words(code, token)}` }];
  }
}

function words(code: ReturnType<typeof printParseErrorCode>, token: string): string {
  switch (code) {
    case 'ColonExpected':
      return '字段名后缺少英文冒号；请写成 "字段": 值';
    case 'InvalidSymbol':
      return `无法识别“${token.length > 20 ? `${token.slice(0, 20)}…` : token}”；JSON 中的字段名和文字都要用英文双引号括起来`;
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'JSON 中不能写注释；请删去，或改用 YAML 计划文件';
    case 'UnexpectedEndOfString':
      return '引号“"”没有闭合；请在该文字的末尾补上“"”';
    case 'EndOfFileExpected':
      return `文件在此之前已经结束，其后多了内容；请删去多余的“${token}”`;
    case 'CloseBraceExpected':
      return '缺少“}”；每个“{”都要有对应的“}”';
    case 'CloseBracketExpected':
      return '缺少“]”；每个“[”都要有对应的“]”';
    case 'InvalidEscapeCharacter':
      return '文字中的反斜杠“\\”后是无效的转义；要写反斜杠本身请写成“\\\\”';
    case 'InvalidCharacter':
      return '文字中不能直接含有换行、制表符等控制字符；请改写成“\\n”“\\t”';
    case 'InvalidUnicode':
      return '“\\u”后应是4位十六进制数';
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return '数字的格式有误';
    default:
      return 'JSON 格式有误；请检查引号、逗号、冒号和括号';
  }
}
