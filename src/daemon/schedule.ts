// When the daemon runs its daily learning run: a pure rule over the clock and the last run's date.

/** The UTC calendar day of `at`, e.g. 2026-11-26. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The learning run is due during the configured UTC hour, once per day: a daemon that was down
 * through that hour waits for the next day rather than learning at an hour nobody chose.
 */
export function isLearningDue(
  now: Date,
  learnHourUtc: number | undefined,
  lastLearningDay: string | undefined,
): boolean {
  if (learnHourUtc === undefined) return false;
  return now.getUTCHours() === learnHourUtc && lastLearningDay !== utcDay(now);
}
