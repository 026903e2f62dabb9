import { memo } from 'react';
import { useNow } from '../lib/clock';
import { formatWhen } from '../lib/format';

/** A time as "12s ago" within the hour, else the local date and time; ticks on the shared clock, without re-rendering its table. */
export const When = memo(function When({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  return <time dateTime={iso ?? undefined}>{formatWhen(iso, now)}</time>;
});
