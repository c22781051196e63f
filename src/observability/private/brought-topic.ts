import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CLOUDWATCH_PRINCIPAL } from './alarm-topic';

/** The AWS-managed key of SNS: its key policy cannot be changed, so CloudWatch may never use it. */
const AWS_MANAGED_SNS_KEY = 'alias/aws/sns';

/**
 * What synth can see of a topic the user brings that would keep alarms from reaching it: a
 * problem when it is encrypted with `alias/aws/sns` (never fixable on that topic), or in another
 * region than the alarms (`alarmsRegion`, when known).
 */
export function broughtTopicProblems(prop: string, topic: sns.ITopic, alarmsRegion: string): string[] {
  const problems: string[] = [];
  const stack = Stack.of(topic);
  const keyIds = [topic.masterKey?.keyArn, (topic.node.defaultChild as sns.CfnTopic | undefined)?.kmsMasterKeyId];
  if (keyIds.some(id => id !== undefined && JSON.stringify(stack.resolve(id)).includes(AWS_MANAGED_SNS_KEY))) {
    problems.push(`\`${prop}\` (${topic.node.path}) is encrypted with the AWS-managed key \`${AWS_MANAGED_SNS_KEY}\`, whose key policy ` +
      'cannot admit CloudWatch, so no alarm could ever publish to it: encrypt it with a customer managed key whose policy allows ' +
      `\`${CLOUDWATCH_PRINCIPAL}\` \`kms:Decrypt\` and \`kms:GenerateDataKey*\`, or leave \`${prop}\` unset for a topic the gateway makes`);
  }
  const region = topic.env.region;
  if (!Token.isUnresolved(region) && !Token.isUnresolved(alarmsRegion) && region !== alarmsRegion) {
    problems.push(`\`${prop}\` (${topic.node.path}) is in ${region}, but the gateway's alarms are in ${alarmsRegion}: ` +
      'an alarm notifies a topic of its own region only; give a topic in ' + `${alarmsRegion}, or leave \`${prop}\` unset`);
  }
  return problems;
}

/**
 * Warns when a topic made in this app has a policy that does not let CloudWatch publish (a topic
 * policy replaces SNS's default one, which let the account's own alarms publish), or is encrypted
 * with a key made in this app whose key policy does not let CloudWatch use it.
 */
export function warnTopicPolicy(scope: Construct, prop: string, topic: sns.ITopic): void {
  const admitted = (document: unknown, actions: string[]) => {
    const statements: any[] = Stack.of(topic).resolve(document)?.Statement ?? [];
    return actions.every(action => statements.some(s => s.Effect === 'Allow'
      && [s.Principal?.Service].flat().includes(CLOUDWATCH_PRINCIPAL)
      && [s.Action].flat().some((a: string) => [action, `${action.split(':')[0]}:*`, '*'].includes(a))));
  };
  const warn = (what: string) => Annotations.of(scope).addWarningV2('cdk-multi-tenant-gateway:alarm-topic-policy',
    `\`${prop}\` (${topic.node.path}) ${what}, so the alarms' notifications would be refused. Add the statement, with the ` +
    'conditions `aws:SourceAccount` (this account) and `aws:SourceArn` (`arn:<partition>:cloudwatch:<region>:<account>:alarm:*`).');
  const policy = topic.node.tryFindChild('Policy');
  if (policy instanceof sns.TopicPolicy && !admitted(policy.document.toJSON(), ['sns:Publish'])) {
    warn(`has a topic policy that does not let \`${CLOUDWATCH_PRINCIPAL}\` publish (\`sns:Publish\`): a topic policy replaces SNS's default one`);
  }
  const key = topic.masterKey;
  const keyPolicy = key instanceof kms.Key ? (key.node.defaultChild as kms.CfnKey).keyPolicy : undefined;
  if (key && keyPolicy && !admitted(keyPolicy, ['kms:Decrypt', 'kms:GenerateDataKey*'])) {
    warn(`is encrypted with key ${key.node.path}, whose key policy does not let \`${CLOUDWATCH_PRINCIPAL}\` use it ` +
      '(`kms:Decrypt` and `kms:GenerateDataKey*`)');
  }
}
