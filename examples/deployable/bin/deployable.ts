// The deployable example: `cdk deploy` from this directory, with the hosted zone given as
// environment variables or context (see docs/integration-tests.md for the whole walk-through):
//
//   GATEWAY_HOSTED_ZONE_ID=Z0123456789ABC GATEWAY_ZONE_NAME=dev.example.org npx cdk deploy
//   npx cdk deploy -c hostedZoneId=Z0123456789ABC -c zoneName=dev.example.org -c region=eu-west-1
import { App } from 'aws-cdk-lib';
import { DeployableGatewayStack } from '../lib/gateway-stack';

const app = new App();
const setting = (key: string, variable: string): string | undefined => app.node.tryGetContext(key) ?? process.env[variable];

const hostedZoneId = setting('hostedZoneId', 'GATEWAY_HOSTED_ZONE_ID');
const zoneName = setting('zoneName', 'GATEWAY_ZONE_NAME');
const missing = [
  ...(hostedZoneId ? [] : ['the hosted zone id (`GATEWAY_HOSTED_ZONE_ID` or `-c hostedZoneId=...`)']),
  ...(zoneName ? [] : ['the hosted zone name (`GATEWAY_ZONE_NAME` or `-c zoneName=...`)']),
];
if (missing.length > 0) throw new Error(`The deployable example needs ${missing.join(' and ')}.`);

// us-east-1 by default: CloudFront's certificates and metrics are there, so one stack holds it all.
const region = setting('region', 'GATEWAY_REGION') ?? process.env.CDK_DEFAULT_REGION ?? 'us-east-1';
const zones = setting('availabilityZones', 'GATEWAY_AVAILABILITY_ZONES');
new DeployableGatewayStack(app, 'DeployableGateway', {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region },
  hostedZoneId: hostedZoneId!,
  zoneName: zoneName!,
  availabilityZones: zones ? zones.split(',') : [`${region}a`, `${region}b`],
});
