/**
 * Plausible values for the CloudFormation tokens inside manifests (`Ref`, `Fn::GetAtt`,
 * `Fn::ImportValue`, `Fn::Sub`; `Fn::Join` is joined by `renderTokens`), so that a real API
 * server can validate the objects: a placeholder such as `${Token}` would fail a CRD's
 * pattern, or pass where a real ARN would not.
 *
 * Each value has the shape CloudFormation documents for that resource type's `Ref` and
 * `Fn::GetAtt` return values (AWS CloudFormation User Guide, "Return values" of each type),
 * is derived from the stack and logical ID (the same token always renders the same value),
 * and uses the stack's account and region. A token of a type or attribute without an entry
 * fails with a message saying where to add one: a guessed value would validate nothing.
 */
import { createHash } from 'crypto';
import { renderTokens, type TokenRenderer } from '../conformance/template-manifests';

/** A CloudFormation template, as synthesized. */
export interface CloudFormationTemplate {
  readonly Resources?: Record<string, any>;
  readonly Outputs?: Record<string, any>;
  readonly Parameters?: Record<string, any>;
}

/** A synthesized stack: its template and the account and region it deploys to. */
export interface SynthesizedStack {
  readonly stackName: string;
  readonly account: string;
  readonly region: string;
  readonly template: CloudFormationTemplate;
}

/** What a value is derived from: one resource of one stack. */
interface ResourceContext {
  readonly stack: SynthesizedStack;
  readonly logicalId: string;
  readonly properties: Record<string, unknown>;
}

type ValueOf = (resource: ResourceContext) => string;

/** The `Ref` and `Fn::GetAtt` values of one resource type; `Ref` is the key for `Ref`. */
type ReturnValues = Record<string, ValueOf>;

/** The placeholder account of stacks synthesized without one (environment-agnostic). */
const UNKNOWN_ACCOUNT = '123456789012';
const UNKNOWN_REGION = 'eu-west-1';

/** Hex digits derived from the resource, `length` long. */
function hex(resource: ResourceContext, length: number, salt = ''): string {
  return createHash('sha256')
    .update(`${resource.stack.stackName}/${resource.logicalId}/${salt}`)
    .digest('hex')
    .slice(0, length);
}

function uuid(resource: ResourceContext): string {
  const h = hex(resource, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * The physical name: the literal name property if the template sets one, otherwise the shape
 * CloudFormation generates (`<stack>-<logical ID>-<suffix>`), cut to the type's maximum length.
 */
function physicalName(
  resource: ResourceContext,
  property: string,
  maxLength: number,
  lowerCase = false,
): string {
  const literal = resource.properties[property];
  if (typeof literal === 'string') {
    return literal;
  }
  const suffix = hex(resource, 12).toUpperCase();
  const base = `${resource.stack.stackName}-${resource.logicalId}`.slice(0, maxLength - suffix.length - 1);
  const name = `${base}-${suffix}`;
  return lowerCase ? name.toLowerCase().replace(/[^a-z0-9-]/g, '') : name;
}

function arn(resource: ResourceContext, service: string, rest: string, regional = true): string {
  const { account, region } = resource.stack;
  return `arn:aws:${service}:${regional ? region : ''}:${account}:${rest}`;
}

const bucketName: ValueOf = (r) => physicalName(r, 'BucketName', 63, true);
const roleName: ValueOf = (r) => physicalName(r, 'RoleName', 64);
const securityGroupId: ValueOf = (r) => `sg-${hex(r, 17)}`;
/** Target group and load balancer names are at most 32 characters. */
const elbName = (r: ResourceContext): string => physicalName(r, 'Name', 32).replace(/[^A-Za-z0-9-]/g, '');
const targetGroupArn: ValueOf = (r) =>
  arn(r, 'elasticloadbalancing', `targetgroup/${elbName(r)}/${hex(r, 16)}`);
const loadBalancerArn: ValueOf = (r) =>
  arn(r, 'elasticloadbalancing', `loadbalancer/net/${elbName(r)}/${hex(r, 16)}`);
const secretArn: ValueOf = (r) =>
  arn(r, 'secretsmanager', `secret:${physicalName(r, 'Name', 256)}-${hex(r, 6, 'suffix')}`);
const clusterName: ValueOf = (r) => physicalName(r, 'Name', 100);
const queueName: ValueOf = (r) => physicalName(r, 'QueueName', 80);

/** Return values by resource type, as the CloudFormation User Guide documents them. */
const RETURN_VALUES: Record<string, ReturnValues> = {
  'AWS::S3::Bucket': {
    Ref: bucketName,
    Arn: (r) => `arn:aws:s3:::${bucketName(r)}`,
    DomainName: (r) => `${bucketName(r)}.s3.amazonaws.com`,
    RegionalDomainName: (r) => `${bucketName(r)}.s3.${r.stack.region}.amazonaws.com`,
  },
  'AWS::IAM::Role': {
    Ref: roleName,
    Arn: (r) => arn(r, 'iam', `role${(r.properties.Path as string | undefined) ?? '/'}${roleName(r)}`, false),
    RoleId: (r) => `AROA${hex(r, 17).toUpperCase()}`,
  },
  'AWS::IAM::ManagedPolicy': {
    Ref: (r) => arn(r, 'iam', `policy/${physicalName(r, 'ManagedPolicyName', 128)}`, false),
  },
  'AWS::KMS::Key': {
    Ref: uuid,
    KeyId: uuid,
    Arn: (r) => arn(r, 'kms', `key/${uuid(r)}`),
  },
  'AWS::EC2::SecurityGroup': { Ref: securityGroupId, GroupId: securityGroupId },
  'AWS::EC2::VPC': { Ref: (r) => `vpc-${hex(r, 17)}`, VpcId: (r) => `vpc-${hex(r, 17)}` },
  'AWS::EC2::Subnet': { Ref: (r) => `subnet-${hex(r, 17)}`, SubnetId: (r) => `subnet-${hex(r, 17)}` },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    Ref: targetGroupArn,
    TargetGroupArn: targetGroupArn,
    TargetGroupName: elbName,
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    Ref: loadBalancerArn,
    LoadBalancerArn: loadBalancerArn,
    LoadBalancerName: elbName,
    DNSName: (r) => `${elbName(r)}-${hex(r, 16)}.elb.${r.stack.region}.amazonaws.com`,
  },
  'AWS::SecretsManager::Secret': { Ref: secretArn, Id: secretArn },
  'AWS::SQS::Queue': {
    Ref: (r) => `https://sqs.${r.stack.region}.amazonaws.com/${r.stack.account}/${queueName(r)}`,
    QueueName: queueName,
    Arn: (r) => arn(r, 'sqs', queueName(r)),
  },
  'AWS::EKS::Cluster': {
    Ref: clusterName,
    Arn: (r) => arn(r, 'eks', `cluster/${clusterName(r)}`),
    Endpoint: (r) => `https://${hex(r, 32).toUpperCase()}.gr7.${r.stack.region}.eks.amazonaws.com`,
    ClusterSecurityGroupId: securityGroupId,
    OpenIdConnectIssuerUrl: (r) =>
      `https://oidc.eks.${r.stack.region}.amazonaws.com/id/${hex(r, 32).toUpperCase()}`,
    // Where the template sets none, EKS picks 10.100.0.0/16 or 172.20.0.0/16 (EKS API, KubernetesNetworkConfigRequest).
    'KubernetesNetworkConfig.ServiceIpv4Cidr': () => '172.20.0.0/16',
  },
  // ACM User Guide: certificate ARNs are arn:aws:acm:<region>:<account>:certificate/<uuid>.
  'AWS::CertificateManager::Certificate': { Ref: (r) => arn(r, 'acm', `certificate/${uuid(r)}`) },
  'AWS::EC2::VPCEndpointService': {
    Ref: (r) => `vpce-svc-${hex(r, 17)}`,
    ServiceId: (r) => `vpce-svc-${hex(r, 17)}`,
  },
};

/** Values of the pseudo parameters (`AWS::Region`, ...). */
function pseudoParameter(stack: SynthesizedStack, name: string): string | undefined {
  switch (name) {
    case 'AWS::AccountId':
      return stack.account;
    case 'AWS::Region':
      return stack.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return stack.stackName;
    default:
      return undefined;
  }
}

/** The account and region of a stack's `aws://account/region` environment, with placeholders where unknown. */
export function environmentOf(environment: string | undefined): { account: string; region: string } {
  const [, account = '', region = ''] = /^aws:\/\/([^/]*)\/(.*)$/.exec(environment ?? '') ?? [];
  return {
    account: /^\d{12}$/.test(account) ? account : UNKNOWN_ACCOUNT,
    region: /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : UNKNOWN_REGION,
  };
}

/**
 * Renders each token of `stack`'s manifests as a plausible value; `stacks` are the other
 * stacks of the same assembly, whose exports `Fn::ImportValue` reads.
 */
export function plausibleValues(stack: SynthesizedStack, stacks: readonly SynthesizedStack[]): TokenRenderer {
  const render: TokenRenderer = (intrinsic) => {
    const value = intrinsic as Record<string, any>;
    if (value && typeof value === 'object' && Object.keys(value).length === 1) {
      if ('Ref' in value) {
        return ref(value.Ref);
      }
      if ('Fn::GetAtt' in value) {
        const [logicalId, ...attribute] =
          typeof value['Fn::GetAtt'] === 'string' ? value['Fn::GetAtt'].split('.') : value['Fn::GetAtt'];
        return getAtt(logicalId, attribute.join('.'));
      }
      if ('Fn::ImportValue' in value) {
        return importValue(renderTokens(value['Fn::ImportValue'], render));
      }
      if ('Fn::Sub' in value) {
        return sub(value['Fn::Sub']);
      }
    }
    return unknown(JSON.stringify(intrinsic));
  };

  const unknown = (what: string): never => {
    throw new Error(
      `${stack.stackName}: no plausible value for ${what}; add one in test/server/plausible-values.ts`,
    );
  };

  const resourceContext = (logicalId: string): [ResourceContext, string] => {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) {
      return unknown(`${logicalId}, which is not a resource of the stack`);
    }
    return [{ stack, logicalId, properties: resource.Properties ?? {} }, resource.Type];
  };

  const ref = (name: string): string => {
    const pseudo = pseudoParameter(stack, name);
    if (pseudo !== undefined) {
      return pseudo;
    }
    const parameter = stack.template.Parameters?.[name];
    if (parameter) {
      return parameter.Type === 'String' && typeof parameter.Default === 'string'
        ? parameter.Default
        : unknown(`Ref(${name}), a parameter of type ${parameter.Type}`);
    }
    const [resource, type] = resourceContext(name);
    return (RETURN_VALUES[type]?.Ref ?? (() => unknown(`Ref(${name}) of type ${type}`)))(resource);
  };

  const getAtt = (logicalId: string, attribute: string): string => {
    const [resource, type] = resourceContext(logicalId);
    const literal = attribute
      .split('.')
      .reduce<unknown>(
        (value, key) => (value as Record<string, unknown> | undefined)?.[key],
        resource.properties,
      );
    if (typeof literal === 'string') {
      // Attributes that echo a property (a VPC's CidrBlock, a subnet's zone) are that property.
      return literal;
    }
    const valueOf = RETURN_VALUES[type]?.[attribute];
    return valueOf ? valueOf(resource) : unknown(`GetAtt(${logicalId}.${attribute}) of type ${type}`);
  };

  const importValue = (exportName: string): string => {
    for (const exporter of stacks) {
      for (const output of Object.values(exporter.template.Outputs ?? {})) {
        if (output.Export?.Name === exportName) {
          return renderTokens(output.Value, plausibleValues(exporter, stacks));
        }
      }
    }
    return unknown(`ImportValue(${exportName}), which no stack exports`);
  };

  const sub = (argument: string | [string, Record<string, unknown>]): string => {
    const [text, variables] = typeof argument === 'string' ? [argument, {}] : argument;
    return text.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      if (name.startsWith('!')) {
        return `\${${name.slice(1)}}`;
      }
      if (name in variables) {
        return renderTokens(variables[name], render);
      }
      const [logicalId, ...attribute] = name.split('.');
      return attribute.length > 0 ? getAtt(logicalId, attribute.join('.')) : ref(logicalId);
    });
  };

  return render;
}
