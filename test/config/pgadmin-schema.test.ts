import { configWith, exampleConfig, problemsOf } from '../util';

/** The problems reported after editing the example's `pgAdmin` block. */
const pgAdminProblems = (edit: (block: Record<string, any>) => void) => problemsOf((d) => edit(d.pgAdmin));

describe('the pgAdmin block', () => {
  test('is off when absent, with no users and a 1Gi volume', () => {
    const config = configWith((d) => delete d.pgAdmin);
    expect(config.pgAdmin).toEqual({ enabled: false, users: [], storageSize: '1Gi' });
  });

  test('gives users the User role unless they are named Administrator', () => {
    const config = configWith((d) => d.pgAdmin.users.push({ username: 'dev@example.com' }));
    expect(config.pgAdmin.users.map((u) => u.role)).toEqual(['Administrator', 'User']);
  });

  test('in the example, runs with one administrator', () => {
    expect(exampleConfig().pgAdmin).toEqual({
      enabled: true,
      users: [{ username: 'dba@example.com', role: 'Administrator' }],
      storageSize: '1Gi',
    });
  });

  test('refuses to run without users: nobody could sign in', () => {
    expect(pgAdminProblems((b) => (b.users = []))).toEqual([
      expect.stringMatching(/^pgAdmin\.users: got \[\], expected at least one user while enabled is true/),
    ]);
  });

  test('accepts no users while disabled', () => {
    expect(configWith((d) => (d.pgAdmin = { enabled: false })).pgAdmin.users).toEqual([]);
  });

  test('refuses a username that is not an e-mail address, which pgAdmin would refuse', () => {
    expect(pgAdminProblems((b) => (b.users[0].username = 'dba'))).toEqual([
      expect.stringMatching(/^pgAdmin\.users\[0\]\.username: got "dba", expected an e-mail address/),
    ]);
  });

  test('refuses a username with a quote, which would break the command PGO runs', () => {
    expect(pgAdminProblems((b) => (b.users[0].username = 'd"ba@example.com'))).toEqual([
      expect.stringMatching(/^pgAdmin\.users\[0\]\.username: .*expected an e-mail address/),
    ]);
  });

  test('refuses the same address twice, whatever its case', () => {
    expect(pgAdminProblems((b) => b.users.push({ username: 'DBA@example.com' }))).toEqual([
      expect.stringMatching(
        /^pgAdmin\.users\[1\]\.username: .*expected a unique username \(users\[0\] has it/,
      ),
    ]);
  });

  test('refuses a role pgAdmin does not have, naming the allowed ones', () => {
    expect(pgAdminProblems((b) => (b.users[0].role = 'Admin'))).toEqual([
      expect.stringMatching(/^pgAdmin\.users\[0\]\.role: got "Admin", expected .*Administrator.*User/),
    ]);
  });

  test('refuses a volume smaller than gp3 allows or larger than settings need', () => {
    expect(pgAdminProblems((b) => (b.storageSize = '500Mi'))).toEqual([
      'pgAdmin.storageSize: got "500Mi", expected from 1Gi to 100Gi',
    ]);
    expect(pgAdminProblems((b) => (b.storageSize = 'big'))).toEqual([
      expect.stringMatching(/^pgAdmin\.storageSize: got "big", expected a Kubernetes storage quantity/),
    ]);
  });

  test('refuses a password or any key it does not know', () => {
    expect(pgAdminProblems((b) => (b.users[0].password = 'x'))).toEqual([
      expect.stringMatching(/^pgAdmin\.users\[0\]/),
    ]);
  });
});

describe('images.pgadmin', () => {
  test('takes a full image reference', () => {
    const image = 'registry.example.com/crunchy/pgadmin4:ubi9-9.2-0';
    expect(configWith((d) => (d.images.pgadmin = image)).images.pgadmin).toBe(image);
  });

  test('refuses an image without a tag', () => {
    expect(problemsOf((d) => (d.images.pgadmin = 'registry.example.com/pgadmin4'))).toEqual([
      expect.stringMatching(/^images\.pgadmin: .*expected a full image reference/),
    ]);
  });
});
