/** The schema of the named database pools (lib/config/node-pools.ts). */
import { problemsOf } from '../util';

const pool = (name: string) => ({ name, instanceTypes: ['r7g.xlarge'], minSize: 3, maxSize: 9 });

test('the single-mapping form of earlier versions is refused with the list to write instead', () => {
  expect(
    problemsOf((d) => (d.nodePools.database = { instanceTypes: ['r7g.xlarge'], minSize: 3, maxSize: 9 })),
  ).toEqual([
    expect.stringMatching(
      /^nodePools\.database: got .*, expected a list of named pools, e\.g\. \[\{ name: database, .*keeps its node groups under the name database\)$/,
    ),
  ]);
});

test('pool names are unique, "-" aside, since they name the node groups', () => {
  expect(problemsOf((d) => d.nodePools.database.push(pool('data-base')))).toEqual([
    'nodePools.database[1].name: got "data-base", expected a unique pool name, ignoring "-" (nodePools.database[0] has it already)',
  ]);
});

test('a pool needs a name', () => {
  expect(problemsOf((d) => delete d.nodePools.database[0].name)).toEqual([
    'nodePools.database[0].name: missing, expected a string',
  ]);
});

test('at most three pools', () => {
  expect(problemsOf((d) => d.nodePools.database.push(pool('second'), pool('third'), pool('fourth')))).toEqual(
    [
      expect.stringMatching(
        /^nodePools\.database: got .*, expected at most 3 pools \(one in use, one replacing it/,
      ),
    ],
  );
});

test('at least one pool', () => {
  expect(problemsOf((d) => (d.nodePools.database = []))).toEqual([
    'nodePools.database: got [], expected at least one database pool',
  ]);
});
