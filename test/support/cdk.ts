// How the infra tests name a construct's resource in its stack's template: its logical id, a Ref, its ARN.
import type { CfnElement, Stack } from 'aws-cdk-lib';

type WithDefault = { node: { defaultChild?: unknown } };

export const logicalId = (owner: Stack, construct: WithDefault) =>
  owner.getLogicalId(construct.node.defaultChild as CfnElement);
export const ref = (owner: Stack, construct: WithDefault) => ({ Ref: logicalId(owner, construct) });
export const arnOf = (owner: Stack, construct: WithDefault) => ({
  'Fn::GetAtt': [logicalId(owner, construct), 'Arn'],
});
