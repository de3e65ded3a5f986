import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { BackupPassphrase } from '../../k8s/backup-passphrase';
import { BACKUP_PASSPHRASE_SCRIPT } from '../../k8s/backup-passphrase-script';

function synth(generatorImage = 'registry.example.com/pg/crunchy-pgbackrest:ubi9-2.54.2-2516'): any[] {
  const chart = Testing.chart();
  new BackupPassphrase(chart, 'Passphrase', {
    namespace: 'tenant-orders',
    secretName: 'orders-pgbackrest-cipher',
    generatorImage,
    kubectlImage: 'registry.k8s.io/kubectl:v1.35.0',
  });
  return Testing.synth(chart);
}

describe('the passphrase Job', () => {
  const objects = synth();
  const job = objects.find((o) => o.kind === 'Job');
  const pod = job.spec.template.spec;

  test('mounts the passphrase Secret optionally, so it can see an existing one and keep it', () => {
    expect(pod.volumes).toContainEqual({
      name: 'existing',
      secret: { secretName: 'orders-pgbackrest-cipher', optional: true },
    });
  });

  test('prepares the manifest in memory and applies it with kubectl', () => {
    expect(pod.volumes).toContainEqual({ name: 'work', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } });
    expect(pod.initContainers[0].command).toEqual(['bash', '-c', BACKUP_PASSPHRASE_SCRIPT]);
    expect(pod.containers[0]).toMatchObject({
      image: 'registry.k8s.io/kubectl:v1.35.0',
      args: ['apply', '-f', '/work/secret.yaml'],
    });
  });

  test('runs unprivileged', () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    for (const container of [...pod.initContainers, ...pod.containers]) {
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  test('is renamed when its pod template changes, because Job templates are immutable', () => {
    const other = synth('registry.example.com/pg/crunchy-pgbackrest:ubi9-2.56.0-2530').find(
      (o) => o.kind === 'Job',
    );
    expect(job.metadata.name).toMatch(/^orders-pgbackrest-cipher-writer-[0-9a-f]{8}$/);
    expect(other.metadata.name).not.toBe(job.metadata.name);
    expect(synth().find((o) => o.kind === 'Job').metadata.name).toBe(job.metadata.name);
  });

  test('may read and patch only the passphrase Secret', () => {
    const role = objects.find((o) => o.kind === 'Role');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      {
        apiGroups: [''],
        resources: ['secrets'],
        resourceNames: ['orders-pgbackrest-cipher'],
        verbs: ['get', 'patch'],
      },
    ]);
    const binding = objects.find((o) => o.kind === 'RoleBinding');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'orders-pgbackrest-cipher-writer', namespace: 'tenant-orders' },
    ]);
  });

  test('contains no passphrase and no Secret object', () => {
    expect(objects.map((o) => o.kind)).not.toContain('Secret');
    expect(JSON.stringify(objects)).not.toMatch(/repo1-cipher-pass=[^%]/);
  });
});

describe('the passphrase script, run with bash', () => {
  const run = (existingDir: string, output: string) =>
    execFileSync('bash', ['-c', BACKUP_PASSPHRASE_SCRIPT], {
      env: {
        PATH: process.env.PATH,
        SECRET_NAME: 'orders-pgbackrest-cipher',
        SECRET_NAMESPACE: 'tenant-orders',
        EXISTING_DIR: existingDir,
        OUTPUT_FILE: output,
      },
    }).toString();
  const decode = (file: string) =>
    Buffer.from(parse(fs.readFileSync(file, 'utf8')).data['cipher.conf'], 'base64').toString();

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passphrase-'));
    fs.mkdirSync(path.join(dir, 'existing'));
  });

  test('generates a 64-character random passphrase as a pgBackRest configuration file', () => {
    const log = run(path.join(dir, 'existing'), path.join(dir, 'secret.yaml'));
    const manifest = parse(fs.readFileSync(path.join(dir, 'secret.yaml'), 'utf8'));
    expect(manifest).toMatchObject({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-pgbackrest-cipher', namespace: 'tenant-orders' },
      type: 'Opaque',
    });
    expect(decode(path.join(dir, 'secret.yaml'))).toMatch(
      /^\[global\]\nrepo1-cipher-pass=[A-Za-z0-9_-]{64}\n$/,
    );
    expect(log).toContain('generated a new passphrase');
    expect(log).not.toMatch(/repo1-cipher-pass/);
  });

  test('generates a different passphrase each time there is none', () => {
    run(path.join(dir, 'existing'), path.join(dir, 'a.yaml'));
    run(path.join(dir, 'existing'), path.join(dir, 'b.yaml'));
    expect(decode(path.join(dir, 'a.yaml'))).not.toBe(decode(path.join(dir, 'b.yaml')));
  });

  test('keeps an existing passphrase byte for byte', () => {
    const existing = '[global]\nrepo1-cipher-pass=the-passphrase-the-repository-was-created-with\n';
    fs.writeFileSync(path.join(dir, 'existing', 'cipher.conf'), existing);
    const log = run(path.join(dir, 'existing'), path.join(dir, 'secret.yaml'));
    expect(decode(path.join(dir, 'secret.yaml'))).toBe(existing);
    expect(log).toContain('keeping the existing passphrase');
  });

  test('writes the manifest readable by its owner only', () => {
    run(path.join(dir, 'existing'), path.join(dir, 'secret.yaml'));
    expect(fs.statSync(path.join(dir, 'secret.yaml')).mode & 0o777).toBe(0o600);
  });
});
