/**
 * The directory skeleton an office fills in before importing a ledger: every unit and leader the
 * ledger names (columns.ts, ledgerNames), emails blank; YAML with the steps in its comment, or JSON.
 */

/** A directory skeleton for the office to fill: every unit and leader, emails blank (YAML, or JSON by the file's extension). */
export function directoryTemplate(names: { units: string[]; leaders: string[] }, file: string): string {
  if (/\.json$/i.test(file))
    return `${JSON.stringify(
      {
        directory: {
          units: names.units.map((name) => ({ name, emails: [] })),
          leaders: names.leaders.map((role) => ({ role, email: '' })),
          office: { name: '巡察办', emails: [] },
          leadershipGroup: { name: '巡视整改工作领导小组', emails: [] },
        },
      },
      null,
      2,
    )}\n`;
  const q = (v: string) => JSON.stringify(v);
  return [
    '# 名录：台账中的全部单位和区领导。请填写邮箱：每个牵头单位至少一个（参与单位可不填），每位区领导一个，',
    '# 巡察办和领导小组各至少一个；巡察办可加 phone 和 address（每封邮件中的联系方式）。',
    '# 然后：rectify plan import-ledger <台账> --directory <本文件> --out plan.yaml --id <计划编号> --feedback-date <反馈日期>',
    'directory:',
    '  units:',
    ...names.units.flatMap((n) => [`    - name: ${q(n)}`, '      emails: []']),
    '  leaders:',
    ...names.leaders.flatMap((r) => [`    - role: ${q(r)}`, "      email: ''"]),
    '  office:',
    '    name: 巡察办',
    '    emails: []',
    '  leadershipGroup:',
    '    name: 巡视整改工作领导小组',
    '    emails: []',
    '',
  ].join('\n');
}
