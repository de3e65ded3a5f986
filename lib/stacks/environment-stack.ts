import { Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Properties of {@link EnvironmentStack}. */
export interface EnvironmentStackProps extends StackProps {
  /** The availability zones this environment uses, from its configuration. */
  readonly availabilityZones: string[];
}

/**
 * A stack whose availability zones come from the configuration, not from a context lookup,
 * so synthesis needs neither AWS credentials nor a network.
 */
export class EnvironmentStack extends Stack {
  private readonly configuredZones: string[];

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id, props);
    this.configuredZones = props.availabilityZones;
  }

  override get availabilityZones(): string[] {
    return this.configuredZones;
  }
}
