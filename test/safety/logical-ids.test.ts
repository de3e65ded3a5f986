/** The logical IDs of every stateful resource of the example configuration are pinned. */
import * as fs from 'fs';
import * as path from 'path';
import { createEnvironmentStacks } from '../../lib/environment';
import { exampleConfig, newApp, statefulLogicalIds } from '../util';
import { logicalIdChanges, PINNED_IDS_FILE, StatefulIds } from './logical-ids';

const pinned: StatefulIds = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', PINNED_IDS_FILE), 'utf8'),
);

test('every stack of the example keeps the logical IDs of its stateful resources', () => {
  const app = newApp();
  createEnvironmentStacks(app, exampleConfig());
  const current = Object.fromEntries(
    app.synth().stacks.map((stack) => [stack.stackName, statefulLogicalIds(stack.template)]),
  );
  const changes = logicalIdChanges(pinned, current);
  if (changes) {
    throw new Error(changes);
  }
  expect(current).toEqual(pinned);
});

test('pins a backup bucket, key, passphrase and database manifest in each tenant stack', () => {
  for (const stack of ['example-tenant-orders', 'example-tenant-analytics']) {
    expect(pinned[stack].map((id) => id.split(' ')[0])).toEqual(
      expect.arrayContaining([
        'AWS::S3::Bucket',
        'AWS::KMS::Key',
        'AWS::SecretsManager::Secret',
        'Custom::AWSCDK-EKS-KubernetesResource',
      ]),
    );
  }
});

test('a renamed resource fails with the old and new IDs and how to keep the old one', () => {
  const message = logicalIdChanges(
    { s: ['AWS::S3::Bucket BackupBucketBC94E555'] },
    { s: ['AWS::S3::Bucket BackupStorageBucket0A1B2C3D'] },
  );
  expect(message).toContain(
    '  gone: AWS::S3::Bucket BackupBucketBC94E555\n  new:  AWS::S3::Bucket BackupStorageBucket0A1B2C3D',
  );
  expect(message).toContain("overrideLogicalId('<the gone logical ID>')");
});

test('unchanged IDs in another order are no change', () => {
  expect(logicalIdChanges({ s: ['A a', 'B b'] }, { s: ['B b', 'A a'] })).toBeUndefined();
});
