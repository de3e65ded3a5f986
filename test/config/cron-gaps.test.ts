import { longestGapHours } from '../../lib/config/cron-gaps';

describe('the longest gap between cron firings (robfig/cron semantics, as CronJobs read them)', () => {
  test('weekly full plus daily differential backups leave a day between backups', () => {
    expect(longestGapHours(['0 1 * * 0', '0 1 * * 1-6'])).toBe(24);
  });

  test('a monthly schedule is as long as the longest month', () => {
    expect(longestGapHours(['0 1 1 * *'])).toBe(31 * 24);
  });

  test('day of month and day of week both restricted fire on either (15th or Monday)', () => {
    expect(longestGapHours(['0 1 15 * 1'])).toBe(7 * 24);
  });

  test('steps, ranges and lists expand', () => {
    expect(longestGapHours(['0 */6 * * *'])).toBe(6);
    expect(longestGapHours(['30 2,14 * * 1-5'])).toBe(60);
  });

  test('day of week 7 is Sunday', () => {
    expect(longestGapHours(['0 0 * * 7', '0 0 * * 1-6'])).toBe(24);
  });

  test('a schedule that never fires has no finite gap', () => {
    expect(longestGapHours(['0 0 30 2 *'])).toBe(Infinity);
  });
});
