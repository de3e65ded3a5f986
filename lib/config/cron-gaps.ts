/**
 * When five-field cron schedules fire, as the Kubernetes CronJob controller reads them
 * (robfig/cron: day of month and day of week are ANDed when either starts with `*`, ORed
 * otherwise; day of week 7 is Sunday). Used to check an alert threshold against the longest
 * time between backups. Schedules must have passed `cronProblem` (cron.ts).
 */

const RANGES = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
] as const;

/** The values one field allows. */
function expand(field: string, [min, max]: readonly [number, number]): Set<number> {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    const [range, step] = item.split('/');
    const [low, high] =
      range === '*'
        ? [min, max]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), step ? max : Number(range)];
    for (let value = low; value <= high; value += step ? Number(step) : 1) {
      values.add(value);
    }
  }
  return values;
}

/** Every time (ms since the epoch, UTC) `schedule` fires in [from, to). */
function firings(schedule: string, from: number, to: number): number[] {
  const fields = schedule.trim().split(/\s+/);
  const [minutes, hours, days, months, weekdays] = fields.map((field, index) => expand(field, RANGES[index]));
  if (weekdays.has(7)) {
    weekdays.add(0);
  }
  const either = !fields[2].startsWith('*') && !fields[4].startsWith('*');
  const times: number[] = [];
  for (let day = from; day < to; day += 86_400_000) {
    const date = new Date(day);
    const dayMatches = days.has(date.getUTCDate());
    const weekdayMatches = weekdays.has(date.getUTCDay());
    if (
      !months.has(date.getUTCMonth() + 1) ||
      !(either ? dayMatches || weekdayMatches : dayMatches && weekdayMatches)
    ) {
      continue;
    }
    for (const hour of [...hours].sort((a, b) => a - b)) {
      for (const minute of [...minutes].sort((a, b) => a - b)) {
        times.push(day + hour * 3_600_000 + minute * 60_000);
      }
    }
  }
  return times;
}

/**
 * The longest time in hours between two consecutive firings of any of `schedules`, over four
 * years (every weekday and leap day lines up with every date); Infinity when they fire fewer
 * than twice in that time.
 */
export function longestGapHours(schedules: string[]): number {
  const from = Date.UTC(2028, 0, 1);
  const to = Date.UTC(2032, 0, 1);
  const times = [...new Set(schedules.flatMap((schedule) => firings(schedule, from, to)))].sort(
    (a, b) => a - b,
  );
  if (times.length < 2) {
    return Infinity;
  }
  let longest = 0;
  for (let index = 1; index < times.length; index++) {
    longest = Math.max(longest, times[index] - times[index - 1]);
  }
  return longest / 3_600_000;
}
