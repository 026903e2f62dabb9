interface Latched {
  firedAtMs: number;
  cooldownMs: number;
  /** The condition was seen false at least once since it fired. */
  cleared: boolean;
}

/**
 * Fire once per condition key. A key fires the first time its condition holds; after that it
 * fires again only when the condition has cleared at least once since, AND the cooldown has
 * passed since it last fired. A condition that clears and comes back inside the cooldown
 * (flapping) fires when the cooldown ends if it still holds; one that never clears never
 * fires again. A key that is cleared and out of its cooldown is forgotten, so memory follows
 * the live conditions, not history.
 */
export class AlertLatch {
  private readonly keys = new Map<string, Latched>();

  /**
   * `holding`: every key whose condition holds now, with its cooldown. Keys not in it are
   * taken as cleared. Returns the keys that fire now.
   */
  update(holding: Map<string, number>, nowMs: number): string[] {
    const fired: string[] = [];
    for (const [key, latched] of this.keys) {
      if (holding.has(key)) continue;
      latched.cleared = true;
      if (nowMs - latched.firedAtMs >= latched.cooldownMs) this.keys.delete(key);
    }
    for (const [key, cooldownMs] of holding) {
      const latched = this.keys.get(key);
      if (latched && !(latched.cleared && nowMs - latched.firedAtMs >= latched.cooldownMs)) continue;
      this.keys.set(key, { firedAtMs: nowMs, cooldownMs, cleared: false });
      fired.push(key);
    }
    return fired;
  }

  /** Keys remembered (fired, not yet forgotten). */
  get size(): number {
    return this.keys.size;
  }
}
