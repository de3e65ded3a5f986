import { CfnOutput, Fn, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import type { ConsumerConfig, ConsumerEndpointConfig } from '../config/consumer-schema';

/** Properties of {@link ConsumerStack}. */
export interface ConsumerStackProps extends StackProps {
  /** The validated consumer configuration. */
  readonly config: ConsumerConfig;
}

/**
 * The customer side of PrivateLink, deployed into the customer's account: for each tenant
 * the customer connects to, an interface VPC endpoint in the customer's VPC and subnets, with
 * a security group admitting the customer's clients on the database ports.
 */
export class ConsumerStack extends Stack {
  constructor(scope: Construct, id: string, props: ConsumerStackProps) {
    super(scope, id, props);
    for (const endpoint of props.config.endpoints) {
      new PostgresInterfaceEndpoint(this, endpoint.name, endpoint);
    }
  }
}

/** Database ports of a tenant endpoint service. */
const READ_WRITE_PORT = 5432;
const READ_ONLY_PORT = 5433;

/** One interface endpoint to one tenant, with its security group and outputs. */
class PostgresInterfaceEndpoint extends Construct {
  constructor(scope: Construct, id: string, endpoint: ConsumerEndpointConfig) {
    super(scope, id);
    const ports = endpoint.readOnlyPort ? [READ_WRITE_PORT, READ_ONLY_PORT] : [READ_WRITE_PORT];

    const securityGroup = new ec2.CfnSecurityGroup(this, 'SecurityGroup', {
      vpcId: endpoint.vpcId,
      groupDescription: `PostgreSQL clients to the ${endpoint.name} database endpoint`,
      securityGroupIngress: endpoint.allowedCidrs.flatMap((cidr) =>
        ports.map((port) => ({
          ipProtocol: 'tcp',
          fromPort: port,
          toPort: port,
          cidrIp: cidr,
          description: 'Database clients',
        })),
      ),
      // An interface endpoint answers; it never opens connections of its own.
      securityGroupEgress: [{ ipProtocol: '-1', cidrIp: '127.0.0.1/32', description: 'No outbound traffic' }],
    });

    const vpcEndpoint = new ec2.CfnVPCEndpoint(this, 'Endpoint', {
      vpcEndpointType: 'Interface',
      serviceName: endpoint.serviceName,
      vpcId: endpoint.vpcId,
      subnetIds: endpoint.subnetIds,
      securityGroupIds: [securityGroup.attrGroupId],
      privateDnsEnabled: endpoint.privateDns,
    });

    new CfnOutput(this, 'EndpointId', {
      description: `Interface endpoint to ${endpoint.name}`,
      value: vpcEndpoint.ref,
    });
    new CfnOutput(this, 'DnsName', {
      description: `Regional DNS name of the ${endpoint.name} endpoint (connect to it on ${ports.join(' or ')})`,
      // Each DnsEntries item is "<hosted zone id>:<dns name>"; the first is the regional name.
      value: Fn.select(1, Fn.split(':', Fn.select(0, vpcEndpoint.attrDnsEntries))),
    });
  }
}
