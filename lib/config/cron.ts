/** Five-field cron schedules, as Kubernetes CronJobs (and so PGO backup schedules) read them. */

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day of week', min: 0, max: 7 },
] as const;

/** Why `schedule` is not a valid five-field cron schedule, or undefined when it is. */
export function cronProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) {
    return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
  }
  for (const [index, field] of fields.entries()) {
    const { name, min, max } = FIELDS[index];
    for (const item of field.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(item);
      if (!match) {
        return `the ${name} field "${field}" is not a number, range, list, * or step`;
      }
      const numbers = [match[2], match[3]].filter((n) => n !== undefined).map(Number);
      if (numbers.some((n) => n < min || n > max)) {
        return `the ${name} field "${field}" must stay within ${min}-${max}`;
      }
      if (numbers.length === 2 && numbers[0] > numbers[1]) {
        return `the ${name} field "${field}" has a range that runs backwards`;
      }
      if (match[4] !== undefined && Number(match[4]) === 0) {
        return `the ${name} field "${field}" has a step of 0`;
      }
    }
  }
  return undefined;
}
