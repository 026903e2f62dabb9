import { useEffect, useState } from 'react';
import { localDate } from './usageRange';

/** How often the page checks whether the local date has turned. */
const CHECK_MS = 30_000;

/**
 * Today's local date in `timeZone`, turning at midnight (within CHECK_MS): a Usage page left open
 * overnight moves its "today" and "7 days" on, and keeps following the stream (usageFollow reads
 * again only ranges that reach today).
 */
export function useToday(timeZone: string): string {
  const [today, setToday] = useState(() => localDate(Date.now(), timeZone));
  useEffect(() => {
    const check = () => setToday(localDate(Date.now(), timeZone));
    check();
    const timer = setInterval(check, CHECK_MS);
    return () => clearInterval(timer);
  }, [timeZone]);
  return today;
}
