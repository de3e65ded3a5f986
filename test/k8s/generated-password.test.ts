import { Chart, Testing } from 'cdk8s';
import { GeneratedPassword } from '../../k8s/generated-password';

function synth(): any[] {
  const chart = new Chart(Testing.app(), 'test');
  new GeneratedPassword(chart, 'Admin', {
    namespace: 'monitoring',
    secretName: 'grafana-admin',
    fixedData: { user: 'admin' },
  });
  return Testing.synth(chart);
}

describe('GeneratedPassword', () => {
  test('the Secret is written once from an in-cluster generator, so the template holds no value', () => {
    const secret = synth().find((object) => object.kind === 'ExternalSecret');
    expect(secret.spec.refreshPolicy).toBe('CreatedOnce');
    expect(secret.spec.secretStoreRef).toBeUndefined();
    expect(secret.spec.dataFrom).toEqual([
      {
        sourceRef: {
          generatorRef: {
            apiVersion: 'generators.external-secrets.io/v1alpha1',
            kind: 'Password',
            name: 'grafana-admin-generator',
          },
        },
      },
    ]);
    expect(secret.spec.target.template.data).toEqual({ user: 'admin', password: '{{ .password }}' });
  });

  test('deleting the ExternalSecret keeps the password in use', () => {
    const secret = synth().find((object) => object.kind === 'ExternalSecret');
    expect(secret.spec.target.deletionPolicy).toBe('Retain');
  });

  test('the generator makes 32 characters without symbols, which configuration files take unescaped', () => {
    const generator = synth().find((object) => object.kind === 'Password');
    expect(generator.metadata).toEqual({ name: 'grafana-admin-generator', namespace: 'monitoring' });
    expect(generator.spec).toMatchObject({ length: 32, symbols: 0 });
  });
});
