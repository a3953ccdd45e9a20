/** What a plan keeps in Temporal: its part of the plan file, the update's checks, and its changes in words. */
import { loadPlan } from '../../config/plan-files';
import { directoryProblem, planChanges, storedPlanOf, validateUpdatePlan, type StoredPlan } from '../../domain/plan/stored';

const SAMPLE = `${__dirname}/../../config/plans/liangxi-2023.yaml`;
const office = { role: 'office' as const, who: '督查科' };

describe('the stored plan', () => {
  const { plan } = loadPlan(SAMPLE);
  const stored = storedPlanOf(plan);

  it('keeps everything but problems and measures', () => {
    expect(Object.keys(stored).sort()).toEqual(
      ['calendar', 'directory', 'feedbackDate', 'id', 'policy', 'timeZone', 'title'].filter((k) => k !== 'calendar' || plan.calendar),
    );
    expect(stored.directory).toBe(plan.directory);
    expect(JSON.stringify(stored)).not.toContain(plan.measures[0].text);
  });

  it('names what changed', () => {
    const edited: StoredPlan = structuredClone(stored);
    edited.directory.units[0].emails = ['new@liangxi.example.org'];
    edited.directory.units.push({ name: '区新设单位', emails: ['new-unit@liangxi.example.org'] });
    edited.directory.leaders = edited.directory.leaders.slice(1);
    edited.directory.office.phone = '0510-1234 5678';
    edited.policy = { ...edited.policy, dueAt: '17:30' };
    expect(planChanges(stored, edited)).toEqual([
      `单位邮箱：${stored.directory.units[0].name}`,
      '新增单位：区新设单位',
      `删除区领导：${stored.directory.leaders[0].role}`,
      '巡察办联系方式',
      '提醒规则',
    ]);
    expect(planChanges(stored, structuredClone(stored))).toEqual([]);
  });

  it.each([
    [(d: StoredPlan['directory']) => ({ ...d, units: [{ name: '', emails: [] }] }), '名录中的单位应有名称和邮箱列表'],
    [(d: StoredPlan['directory']) => ({ ...d, leaders: [{ role: '副区长', email: 'not-an-address' }] }), '名录中的区领导应有职务和邮箱'],
    [(d: StoredPlan['directory']) => ({ ...d, office: { ...d.office, emails: [] } }), '名录中的巡察办应有名称和至少一个邮箱'],
  ])('refuses a malformed directory (%#)', (change, words) => {
    const bad = { ...stored, directory: change(stored.directory) };
    expect(directoryProblem(bad.directory)).toBe(words);
    expect(() => validateUpdatePlan(stored, { actor: office, plan: bad, reason: '更正' })).toThrow(words);
  });

  it('accepts the office’s well-formed update with a reason, and nobody else’s', () => {
    expect(() => validateUpdatePlan(stored, { actor: office, plan: stored, reason: '更正邮箱' })).not.toThrow();
    expect(() => validateUpdatePlan(stored, { actor: { role: 'unit', who: '区发改委' }, plan: stored, reason: '改' })).toThrow(
      '只有巡察办',
    );
    expect(() => validateUpdatePlan(stored, { actor: office, plan: { ...stored, title: ' ' }, reason: '改' })).toThrow('计划标题不能为空');
  });
});
