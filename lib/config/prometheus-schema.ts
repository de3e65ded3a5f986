/**
 * `monitoring.prometheus` and `monitoring.alertmanager`: how long Prometheus keeps metrics, how
 * large its volume is, what both may use, and where Alertmanager sends alerts. Every field has
 * a default; the default receiver sends nothing (alerts show in the Alertmanager UI only).
 */
import { z } from 'zod';
import { parseQuantity, QUANTITY_PATTERN } from './quantity';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

/** Defaults of `monitoring.prometheus`; README "Monitoring and alerting" explains them. */
export const DEFAULT_PROMETHEUS = {
  // Two weeks covers a long weekend plus the time to look at what happened before it.
  retention: '15d',
  storageSize: '50Gi',
  // A few thousand series per tenant (pgMonitor, kube-state-metrics, volume stats) fit well
  // within this for the tenants one environment holds (Prometheus needs a few KiB per series).
  resources: { cpu: '500m', memory: '2Gi' },
} as const;

/** Defaults of `monitoring.alertmanager`. */
export const DEFAULT_ALERTMANAGER = {
  replicas: 2,
  resources: { cpu: '100m', memory: '128Mi' },
  receiver: { kind: 'none' },
} as const;

/** A quantity between `min` and `max` base units. */
function quantity(kind: string, example: string, min: number, max: number, range: string) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const parsed = parseQuantity(value);
      if (parsed === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `expected a Kubernetes ${kind} quantity such as ${example}`,
        });
      } else if (parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `expected ${range}` });
      }
    })
    .meta({ pattern: QUANTITY_PATTERN.source });
}

/** Requests and limits of a container: one value each, applied as both (guaranteed QoS). */
const resourcesSchema = (cpu: [number, string], memory: [number, number, string]) =>
  z.strictObject({
    cpu: quantity('CPU', '500m', cpu[0], 16, cpu[1]).meta({
      description: 'CPU, both request and limit.',
    }),
    memory: quantity('memory', '2Gi', memory[0], memory[1], memory[2]).meta({
      description: 'Memory, both request and limit.',
    }),
  });

/**
 * A Prometheus retention: whole hours, days or weeks (Prometheus' own duration format, and
 * the pattern of `retention` in the Prometheus CRD), at least 2 hours: one TSDB block.
 */
const retentionSchema = z
  .string()
  .superRefine((value, ctx) => {
    const match = /^([1-9]\d{0,3})(h|d|w)$/.exec(value);
    const hours = match ? Number(match[1]) * { h: 1, d: 24, w: 168 }[match[2] as 'h' | 'd' | 'w'] : 0;
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: 'expected a duration in whole hours, days or weeks, such as 15d, 2w or 72h',
      });
    } else if (hours < 2 || hours > 366 * 24) {
      ctx.addIssue({ code: 'custom', message: 'expected from 2h to 366d' });
    }
  })
  .meta({ pattern: '^[1-9][0-9]{0,3}(h|d|w)$' });

/** `monitoring.prometheus`. */
export const prometheusSchema = z
  .strictObject({
    retention: retentionSchema.default(DEFAULT_PROMETHEUS.retention).meta({
      description: 'How long Prometheus keeps metrics (whole hours, days or weeks: 15d, 2w, 72h).',
    }),
    storageSize: quantity('storage', '50Gi', 10 * GiB, 16384 * GiB, 'from 10Gi to 16Ti')
      .default(DEFAULT_PROMETHEUS.storageSize)
      .meta({
        description:
          'Size of the Prometheus volume (gp3, encrypted). Prometheus deletes the oldest data when 85% of it is used, whatever the retention.',
      }),
    resources: resourcesSchema([0.1, 'from 100m to 16 CPUs'], [512 * MiB, 64 * GiB, 'from 512Mi to 64Gi'])
      .default({ ...DEFAULT_PROMETHEUS.resources })
      .meta({ description: 'CPU and memory of the Prometheus container (requests equal limits).' }),
  })
  .default({ ...DEFAULT_PROMETHEUS, resources: { ...DEFAULT_PROMETHEUS.resources } })
  .meta({ description: 'The Prometheus that scrapes the tenants and evaluates the alerts.' });

/** Fields of the receiver that only some kinds take. */
const RECEIVER_FIELDS = {
  email: ['smarthost', 'from', 'to', 'username', 'passwordSecretName', 'requireTls'],
  sns: ['topicArn'],
  webhook: ['url', 'allowInsecureHttp'],
  none: [],
} as const;

/** How Alertmanager delivers alerts. */
export type ReceiverKind = keyof typeof RECEIVER_FIELDS;

/** The kinds a receiver may be, as the config names them. */
export const RECEIVER_KINDS = Object.keys(RECEIVER_FIELDS) as ReceiverKind[];

const REQUIRED_FIELDS: Record<ReceiverKind, readonly string[]> = {
  email: ['smarthost', 'from', 'to'],
  sns: ['topicArn'],
  webhook: ['url'],
  none: [],
};

const emailAddress = z.string().regex(/^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/, {
  message: 'expected one e-mail address such as alerts@example.com',
});

/** `monitoring.alertmanager.receiver`: one object, its fields checked against its kind. */
export const receiverSchema = z
  .strictObject({
    kind: z.enum(RECEIVER_KINDS as [ReceiverKind, ...ReceiverKind[]]).meta({
      description:
        'none (alerts only show in the Alertmanager UI), email (SMTP), sns (an SNS topic, through an IAM role) or webhook (HTTPS POST).',
    }),
    smarthost: z
      .string()
      .refine(
        (value) => {
          const match = /^[A-Za-z0-9.-]+:(\d{1,5})$/.exec(value);
          return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 65535;
        },
        { message: 'expected host:port of an SMTP server, such as smtp.example.com:587' },
      )
      .meta({ pattern: '^[A-Za-z0-9.-]+:[0-9]{1,5}$' })
      .optional()
      .meta({ description: 'email: the SMTP server as host:port.' }),
    from: emailAddress.optional().meta({ description: 'email: the sender address.' }),
    to: emailAddress.optional().meta({ description: 'email: the recipient address.' }),
    username: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'email: the SMTP user, if the server asks for one.' }),
    passwordSecretName: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, {
        message: 'expected the name of a Kubernetes Secret (lower-case DNS subdomain), never a password',
      })
      .optional()
      .meta({
        description:
          'email: name of a Secret in the monitoring namespace whose key "password" holds the SMTP password. Create it yourself; the password never goes in this file.',
      }),
    requireTls: z.boolean().optional().meta({ description: 'email: require STARTTLS (default true).' }),
    topicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}:\d{12}:[A-Za-z0-9_-]{1,256}$/, {
        message:
          'expected the ARN of a standard SNS topic, such as arn:aws:sns:eu-west-1:111111111111:alerts',
      })
      .optional()
      .meta({ description: 'sns: the topic Alertmanager publishes to; its role may publish there only.' }),
    url: z
      .string()
      .refine((value) => URL.canParse(value), {
        message: 'expected an absolute URL such as https://hooks.example.com/alerts',
      })
      .optional()
      .meta({
        description: 'webhook: where Alertmanager POSTs its alert groups.',
      }),
    allowInsecureHttp: z
      .boolean()
      .optional()
      .meta({ description: 'webhook: allow an http:// URL (alerts then cross the network unencrypted).' }),
  })
  .superRefine((receiver, ctx) => {
    const kind = receiver.kind;
    for (const field of REQUIRED_FIELDS[kind]) {
      if (receiver[field as keyof typeof receiver] === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: `expected a value: a receiver of kind ${kind} needs ${REQUIRED_FIELDS[kind].join(', ')}`,
        });
      }
    }
    for (const [other, fields] of Object.entries(RECEIVER_FIELDS)) {
      if (other === kind) {
        continue;
      }
      for (const field of fields) {
        if (
          receiver[field as keyof typeof receiver] !== undefined &&
          !(RECEIVER_FIELDS[kind] as readonly string[]).includes(field)
        ) {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `expected no ${field}: it belongs to kind ${other}; kind ${kind} takes ${RECEIVER_FIELDS[kind].join(', ') || 'no other field'}`,
          });
        }
      }
    }
    if (kind === 'email' && receiver.username !== undefined && receiver.passwordSecretName === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordSecretName'],
        message: 'expected the name of the Secret holding the password of the SMTP user',
      });
    }
    // A URL that does not parse has its own issue already.
    if (kind === 'webhook' && receiver.url !== undefined && URL.canParse(receiver.url)) {
      const protocol = new URL(receiver.url).protocol;
      if (protocol !== 'https:' && !(protocol === 'http:' && receiver.allowInsecureHttp === true)) {
        ctx.addIssue({
          code: 'custom',
          path: ['url'],
          message:
            protocol === 'http:'
              ? 'expected an https:// URL; set allowInsecureHttp: true to send alerts over plain http'
              : 'expected an https:// URL',
        });
      }
    }
  });

/** `monitoring.alertmanager`. */
export const alertmanagerSchema = z
  .strictObject({
    replicas: z
      .union([z.literal(2), z.literal(3)], { message: 'expected 2 or 3 (one per zone at most)' })
      .default(DEFAULT_ALERTMANAGER.replicas)
      .meta({
        description: 'Alertmanager replicas, spread over the zones; they share silences and notifications.',
      }),
    resources: resourcesSchema([0.05, 'from 50m to 16 CPUs'], [64 * MiB, 8 * GiB, 'from 64Mi to 8Gi'])
      .default({ ...DEFAULT_ALERTMANAGER.resources })
      .meta({ description: 'CPU and memory of each Alertmanager container (requests equal limits).' }),
    receiver: receiverSchema
      .default({ ...DEFAULT_ALERTMANAGER.receiver })
      .meta({ description: 'Where alerts go (default none: they only show in the Alertmanager UI).' }),
  })
  .default({
    replicas: DEFAULT_ALERTMANAGER.replicas,
    resources: { ...DEFAULT_ALERTMANAGER.resources },
    receiver: { ...DEFAULT_ALERTMANAGER.receiver },
  })
  .meta({ description: 'The Alertmanager that groups and delivers the alerts.' });

/** Validated `monitoring.prometheus`, defaults applied. */
export type PrometheusConfig = z.output<typeof prometheusSchema>;
/** Validated `monitoring.alertmanager`, defaults applied. */
export type AlertmanagerConfig = z.output<typeof alertmanagerSchema>;
/** A validated receiver. */
export type ReceiverConfig = z.output<typeof receiverSchema>;
