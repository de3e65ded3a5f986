import { cronProblem } from '../../lib/config/cron';
import { parseQuantity } from '../../lib/config/quantity';

describe('cron schedules', () => {
  test.each(['0 1 * * 0', '*/15 * * * *', '0 1 * * 1-6', '30 2 1,15 * *', '0 0 * 1-12/3 7'])(
    'accepts %s',
    (schedule) => {
      expect(cronProblem(schedule)).toBeUndefined();
    },
  );

  test.each([
    ['0 1 * *', 'expected 5 fields (minute hour day-of-month month day-of-week), got 4'],
    ['0 24 * * *', 'the hour field "24" must stay within 0-23'],
    ['0 1 * * 6-1', 'the day of week field "6-1" has a range that runs backwards'],
    ['*/0 * * * *', 'the minute field "*/0" has a step of 0'],
    ['@daily * * * *', 'the minute field "@daily" is not a number, range, list, * or step'],
  ])('rejects %s', (schedule, problem) => {
    expect(cronProblem(schedule)).toBe(problem);
  });
});

describe('Kubernetes quantities', () => {
  test.each([
    ['500m', 0.5],
    ['2', 2],
    ['4Gi', 4 * 2 ** 30],
    ['1.5G', 1.5e9],
    ['512Mi', 512 * 2 ** 20],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  test.each(['4GB', '-1', 'Gi', '1 Gi'])('%s is not a quantity', (text) => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});
