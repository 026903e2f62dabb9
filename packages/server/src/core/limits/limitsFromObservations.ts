import type { LimitName, LimitWindow } from '@claudelens/protocol';
import { limitWindow, type LimitReading } from './limitWindow.js';

/** What the history module needs of an observation (store/repository.ts's LimitObservation). */
export interface ObservedLimits {
  observedAtMs: number;
  fiveHour: { usedPercentage: number; resetsAtMs: number } | null;
  sevenDay: { usedPercentage: number; resetsAtMs: number } | null;
}

export type LimitWindows = Record<LimitName, LimitWindow | null>;

/** Both windows now from observations, oldest first. */
export function limitWindows(observations: readonly ObservedLimits[], nowMs: number): LimitWindows {
  return {
    five_hour: limitWindow('five_hour', readings(observations, 'fiveHour'), nowMs),
    seven_day: limitWindow('seven_day', readings(observations, 'sevenDay'), nowMs),
  };
}

function readings(observations: readonly ObservedLimits[], key: 'fiveHour' | 'sevenDay'): LimitReading[] {
  const out: LimitReading[] = [];
  for (const o of observations) {
    const report = o[key];
    if (report) out.push({ observedAtMs: o.observedAtMs, usedPercentage: report.usedPercentage, resetsAtMs: report.resetsAtMs });
  }
  return out;
}

/** Whether two answers show something different: a window's usage, or the window itself. */
export function windowsDiffer(a: LimitWindows, b: LimitWindows): boolean {
  const key = (w: LimitWindow | null) => (w ? `${w.used_percentage}@${w.resets_at}` : '');
  return key(a.five_hour) !== key(b.five_hour) || key(a.seven_day) !== key(b.seven_day);
}
