/** Drill plans for dev-server tests: one directory (role titles, example.org addresses), the test's own problems and measures. */

/** The district of the drills: three lead units, two leaders, the office and the leadership group. */
const DIRECTORY = `directory:
  units:
    - name: 区发改委
      emails: [fgw@district.example.org]
    - name: 区财政局
      emails: [czj@district.example.org]
    - name: 区委组织部
      emails: [zzb@district.example.org]
  leaders:
    - role: 区委常委、常务副区长
      email: executive-deputy-mayor@district.example.org
    - role: 副区长
      email: deputy-mayor@district.example.org
  office:
    name: 区委巡察办
    emails: [xunchaban@district.example.org]
    phone: 0510-0000 0000
  leadershipGroup:
    name: 区委巡视整改工作领导小组
    emails: [leading-group@district.example.org]`;

/** A plan in YAML: problems numbered from 1 in the order given; measures as flow maps, one per line. */
export function drillPlan(o: { id: string; title: string; problems: string[]; measures: string[] }): string {
  return [
    `id: ${o.id}`,
    `title: ${o.title}`,
    'feedbackDate: 2024-01-15',
    'timeZone: Asia/Shanghai',
    'calendar:',
    '  unpublishedYears: weekdays',
    DIRECTORY,
    'problems:',
    ...o.problems.flatMap((title, i) => [`  - no: ${i + 1}`, `    title: ${title}`]),
    'measures:',
    ...o.measures.map((m) => `  - ${m}`),
    '',
  ].join('\n');
}
