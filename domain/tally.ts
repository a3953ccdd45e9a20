/**
 * How measures are counted on every surface (the CLI, the web, the report's figures, /metrics):
 * a closed measure is 已销号 and counted apart; an open one by its light; one still starting (no
 * light published yet) as such. One function counts, one says the counts. Pure.
 */
import type { MeasureStatus, TrafficLight } from './measure';
import { DESK_LIGHT_LABELS, type DeskLight } from './vocabulary';

/** Where a measure counts: 已销号, or its light while open; undefined while it starts. */
export function deskLight(status: MeasureStatus | string | undefined, light: TrafficLight | string | undefined): DeskLight | undefined {
  if (status === 'closed') return 'closed';
  return light === 'red' || light === 'yellow' || light === 'green' ? light : undefined;
}

export interface Tally {
  total: number;
  red: number;
  yellow: number;
  green: number;
  closed: number;
  starting: number;
}

export function tally(items: Iterable<{ status?: MeasureStatus | string; light?: TrafficLight | string }>): Tally {
  const t: Tally = { total: 0, red: 0, yellow: 0, green: 0, closed: 0, starting: 0 };
  for (const m of items) {
    t.total += 1;
    const where = deskLight(m.status, m.light);
    if (where) t[where] += 1;
    else t.starting += 1;
  }
  return t;
}

/** 共124项：红灯3项，黄灯5项，绿灯114项，已销号2项（正在启动1项）. */
export function tallyWords(t: Tally): string {
  const parts = (['red', 'yellow', 'green', 'closed'] as const).map((k) => `${DESK_LIGHT_LABELS[k]}${t[k]}项`);
  return `共${t.total}项：${parts.join('，')}${t.starting ? `（正在启动${t.starting}项，稍后再查）` : ''}`;
}
