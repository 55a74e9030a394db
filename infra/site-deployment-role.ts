import {
  Role,
  ServicePrincipal,
  type AddToPrincipalPolicyResult,
  type PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import type { Construct } from 'constructs';

/** What the BucketDeployment provider calls to invalidate and then wait for the invalidation. */
const INVALIDATION_ACTIONS = ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'];

/**
 * The execution role of CDK's BucketDeployment provider. Given a `distribution`, BucketDeployment
 * (aws-cdk-lib 2.276) grants CreateInvalidation and GetInvalidation on "*", although both actions take a
 * distribution ARN as their resource. This role receives that grant like any other and confines it to
 * the one distribution the site deploys to; every other grant passes through unchanged.
 */
export class SiteDeploymentRole extends Role {
  constructor(
    scope: Construct,
    id: string,
    private readonly invalidatedDistribution: IDistribution,
  ) {
    super(scope, id, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description:
        'Execution role of the site deployment: sync the built dashboard, invalidate its distribution',
    });
  }

  override addToPrincipalPolicy(statement: PolicyStatement): AddToPrincipalPolicyResult {
    return super.addToPrincipalPolicy(
      isUnscopedInvalidation(statement)
        ? statement.copy({ resources: [this.invalidatedDistribution.distributionArn] })
        : statement,
    );
  }
}

function isUnscopedInvalidation(statement: PolicyStatement): boolean {
  return (
    statement.actions.length > 0 &&
    statement.actions.every((action) => INVALIDATION_ACTIONS.includes(action)) &&
    statement.resources.includes('*')
  );
}
