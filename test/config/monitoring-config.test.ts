/** `monitoring.prometheus` and `monitoring.alertmanager`: defaults, and errors naming key, value and what is allowed. */
import { configWith, problemsOf } from '../util';

const receiver = (value: Record<string, unknown>) => (d: Record<string, any>) => {
  d.monitoring = { alertmanager: { receiver: value } };
};

describe('defaults', () => {
  test('Prometheus keeps 15 days on 50Gi with 500m and 2Gi; Alertmanager runs 2 replicas and sends nothing', () => {
    const { monitoring } = configWith((d) => delete d.monitoring);
    expect(monitoring.prometheus).toEqual({
      retention: '15d',
      storageSize: '50Gi',
      resources: { cpu: '500m', memory: '2Gi' },
    });
    expect(monitoring.alertmanager).toEqual({
      replicas: 2,
      resources: { cpu: '100m', memory: '128Mi' },
      receiver: { kind: 'none' },
    });
  });

  test('setting one field keeps the defaults of the others', () => {
    const { monitoring } = configWith((d) => (d.monitoring = { prometheus: { retention: '30d' } }));
    expect(monitoring.prometheus.storageSize).toBe('50Gi');
    expect(monitoring.alerts.connectionsPercent).toBe(85);
  });
});

describe('bad Prometheus settings', () => {
  test('a retention that is not whole hours, days or weeks', () => {
    expect(problemsOf((d) => (d.monitoring = { prometheus: { retention: '15 days' } }))).toEqual([
      'monitoring.prometheus.retention: got "15 days", expected a duration in whole hours, days or weeks, such as 15d, 2w or 72h',
    ]);
  });

  test('a retention shorter than one block', () => {
    expect(problemsOf((d) => (d.monitoring = { prometheus: { retention: '1h' } }))).toEqual([
      'monitoring.prometheus.retention: got "1h", expected from 2h to 366d',
    ]);
  });

  test('a volume too small', () => {
    expect(problemsOf((d) => (d.monitoring = { prometheus: { storageSize: '5Gi' } }))).toEqual([
      'monitoring.prometheus.storageSize: got "5Gi", expected from 10Gi to 16Ti',
    ]);
  });

  test('memory that is not a quantity', () => {
    expect(
      problemsOf((d) => (d.monitoring = { prometheus: { resources: { cpu: '1', memory: 'lots' } } })),
    ).toEqual([
      'monitoring.prometheus.resources.memory: got "lots", expected a Kubernetes memory quantity such as 2Gi',
    ]);
  });
});

describe('bad Alertmanager settings', () => {
  test('one replica, which no zone failure would survive', () => {
    expect(problemsOf((d) => (d.monitoring = { alertmanager: { replicas: 1 } }))).toEqual([
      'monitoring.alertmanager.replicas: got 1, expected 2 or 3 (one per zone at most)',
    ]);
  });

  test('a receiver kind that does not exist names the kinds', () => {
    expect(problemsOf(receiver({ kind: 'slack' }))).toEqual([
      'monitoring.alertmanager.receiver.kind: got "slack", expected one of "email", "sns", "webhook", "none"',
    ]);
  });

  test('an e-mail receiver without its fields names the ones it needs', () => {
    expect(problemsOf(receiver({ kind: 'email', smarthost: 'smtp.example.com:587' }))).toEqual([
      'monitoring.alertmanager.receiver.from: missing, expected a value: a receiver of kind email needs smarthost, from, to',
      'monitoring.alertmanager.receiver.to: missing, expected a value: a receiver of kind email needs smarthost, from, to',
    ]);
  });

  test('an SMTP password given as a value is refused: only a Secret name is taken', () => {
    const email = {
      kind: 'email',
      smarthost: 'smtp.example.com:587',
      from: 'a@example.com',
      to: 'b@example.com',
    };
    expect(problemsOf(receiver({ ...email, password: 'hunter2' }))).toEqual([
      expect.stringMatching(
        /^monitoring\.alertmanager\.receiver\.password: unknown key; allowed keys here: .*passwordSecretName/,
      ),
    ]);
  });

  test('an SMTP user without the Secret of its password', () => {
    const email = {
      kind: 'email',
      smarthost: 'smtp.example.com:587',
      from: 'a@example.com',
      to: 'b@example.com',
    };
    expect(problemsOf(receiver({ ...email, username: 'alerts' }))).toEqual([
      'monitoring.alertmanager.receiver.passwordSecretName: missing, expected the name of the Secret holding the password of the SMTP user',
    ]);
  });

  test('a field of another kind names the fields the kind takes', () => {
    expect(
      problemsOf(
        receiver({
          kind: 'webhook',
          url: 'https://hooks.example.com/a',
          topicArn: 'arn:aws:sns:eu-west-1:111111111111:a',
        }),
      ),
    ).toEqual([
      'monitoring.alertmanager.receiver.topicArn: got "arn:aws:sns:eu-west-1:111111111111:a", expected no topicArn: it belongs to kind sns; kind webhook takes url, allowInsecureHttp',
    ]);
  });

  test('an SNS topic that is not an SNS ARN', () => {
    expect(problemsOf(receiver({ kind: 'sns', topicArn: 'alerts' }))).toEqual([
      'monitoring.alertmanager.receiver.topicArn: got "alerts", expected the ARN of a standard SNS topic, such as arn:aws:sns:eu-west-1:111111111111:alerts',
    ]);
  });

  test('a webhook over plain http without the flag', () => {
    expect(problemsOf(receiver({ kind: 'webhook', url: 'http://hooks.example.com/a' }))).toEqual([
      'monitoring.alertmanager.receiver.url: got "http://hooks.example.com/a", expected an https:// URL; set allowInsecureHttp: true to send alerts over plain http',
    ]);
  });

  test('a webhook URL that is not a URL', () => {
    expect(problemsOf(receiver({ kind: 'webhook', url: 'hooks.example.com/a' }))).toEqual([
      'monitoring.alertmanager.receiver.url: got "hooks.example.com/a", expected an absolute URL such as https://hooks.example.com/alerts',
    ]);
  });

  test('a webhook over plain http with the flag', () => {
    const config = configWith(
      receiver({ kind: 'webhook', url: 'http://hooks.example.com/a', allowInsecureHttp: true }),
    );
    expect(config.monitoring.alertmanager.receiver.url).toBe('http://hooks.example.com/a');
  });
});

test('an SMTP server without a port, or with one out of range', () => {
  const email = { kind: 'email', from: 'a@example.com', to: 'b@example.com' };
  for (const smarthost of ['smtp.example.com', 'smtp.example.com:70000']) {
    expect(problemsOf(receiver({ ...email, smarthost }))).toEqual([
      `monitoring.alertmanager.receiver.smarthost: got "${smarthost}", expected host:port of an SMTP server, such as smtp.example.com:587`,
    ]);
  }
});
