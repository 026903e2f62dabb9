import { memo, useEffect, useRef, useState } from 'react';
import { animateValue } from '../lib/animateValue';
import { prefersReducedMotion } from '../lib/motion';

const PULSE_EVERY_MS = 1000;

interface StatCardProps {
  label: string;
  value: number | undefined;
  /** The text while the number moves. */
  format: (value: number) => string;
  /** The text once it has arrived (the server's `formatted_value`), when there is one. */
  text?: string;
  hint?: string;
  className?: string;
  /** `data-testid` of the card; its `.stat-value` carries the raw number in `data-value` (the reconciliation test reads both). */
  testId?: string;
}

/**
 * A number card (spec 000): a changed value eases from the old to the new one (animateValue,
 * 300 ms, ease-out) and the number pulses once (`.stat-value.updating`, statPulse).
 */
export const StatCard = memo(function StatCard({ label, value, format, text, hint, className, testId }: StatCardProps) {
  const [shown, setShown] = useState(value);
  const shownRef = useRef(value);
  const [pulse, setPulse] = useState(0);
  // -Infinity, not 0: performance.now() counts from page load, so the first update within a
  // second of it would otherwise get no pulse (a fresh test worker hit exactly that).
  const lastPulse = useRef(Number.NEGATIVE_INFINITY);

  useEffect(() => {
    const from = shownRef.current;
    if (value === undefined || from === value) return;
    if (from === undefined || prefersReducedMotion()) {
      shownRef.current = value;
      setShown(value);
    } else {
      // One pulse a second at most: a rate that changes on every tick would otherwise throb.
      const now = performance.now();
      if (now - lastPulse.current >= PULSE_EVERY_MS) {
        lastPulse.current = now;
        setPulse((p) => p + 1);
      }
      return animateValue(from, value, (v) => {
        shownRef.current = v;
        setShown(v);
      });
    }
  }, [value]);

  const settled = shown === value;
  return (
    <div className={`stat-card${className ? ` ${className}` : ''}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      {/* A new key restarts the pulse animation on every update. */}
      <div key={pulse} className={`stat-value${pulse > 0 ? ' updating' : ''}`} data-value={value ?? ''}>
        {shown === undefined ? '—' : settled && text !== undefined ? text : format(shown)}
      </div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
});
