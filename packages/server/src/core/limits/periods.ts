/** Where the budget periods that hold `nowMs` began, in the process's local time zone. */
export interface PeriodStarts {
  day: number;
  /** Weeks start on Monday, as ccusage's weekly report. */
  week: number;
  month: number;
}

export type PeriodName = keyof PeriodStarts;

export function periodStarts(nowMs: number): PeriodStarts {
  const day = new Date(nowMs);
  day.setHours(0, 0, 0, 0);
  const week = new Date(day);
  week.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  const month = new Date(day);
  month.setDate(1);
  return { day: day.getTime(), week: week.getTime(), month: month.getTime() };
}
