// Store tenants must not meet a 502. CloudFront forwards the viewer's Host to the load balancer
// over HTTPS; the origin's certificate must include a name matching the origin domain or the Host
// header of the origin request, else the TLS handshake fails and CloudFront answers 502 ("HTTP 502
// status code (Bad Gateway)", SSL/TLS negotiation failure between CloudFront and a custom origin
// server, CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/http-502-bad-gateway.html).
// So the gateway hands the names its load balancer certificates cover to the reconciler and the
// CLI; `add --store` and `sync` refuse a domain none covers, and the reconciler fails such a tenant
// instead of making its distribution tenant. Names unknown (imported by ARN): a warning, no check.
import * as fs from 'fs';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudFrontClient, CreateDistributionTenantCommand, GetDistributionTenantCommand } from '@aws-sdk/client-cloudfront';
import {
  BatchGetItemCommand, DynamoDBClient, TransactWriteItemsCommand, UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { mockClient } from 'aws-sdk-client-mock';
import * as fc from 'fast-check';
import { EdgeMode, GatewayCertificates } from '../../src';
import { decodeLoadBalancerNames, encodeLoadBalancerNames, notCoveredProblem } from '../../src/control-plane/load-balancer-names';
import { controlPlaneOutputIds, findControlPlane } from '../../src/control-plane/outputs';
import { DesiredTenant, ObservedState, reconcile } from '../../src/control-plane/reconcile';
import { reconcileMessages } from '../../src/control-plane/reconciler.lambda';
import { cliFolder } from '../cli/cli-harness';
import { build, tenants } from '../gateway-fixture';

const ENDPOINT = 'd111111abcdef8.cloudfront.net';
const WILDCARD = ['*.example.com', 'example.com'];
const NOTHING: ObservedState = { distributionTenants: [], certificates: [], records: [], statuses: [] };

describe('the reconcile core', () => {
  test('a tenant with a domain the load balancer\'s names do not cover fails with the 502 and the fix, and nothing is done for it', () => {
    const desired: DesiredTenant[] = [
      { tenant: { id: 'deep', domainNames: ['shop.deep.example.com', 'deep.example.com'] } },
      { tenant: { id: 'acme', domainNames: ['acme.example.com'] } },
    ];
    const result = reconcile(desired, NOTHING, { routingEndpoint: ENDPOINT, loadBalancerNames: WILDCARD });
    const deep = result.statuses.find(s => s.tenantId === 'deep')!;
    expect(deep.status).toBe('failed');
    expect(deep.reason).toContain('`domainNames` "shop.deep.example.com" is not covered by the load balancer\'s certificates (names: *.example.com, example.com)');
    expect(deep.reason).toMatch(/viewers get 502/);
    expect(deep.reason).toMatch(/a direct subdomain of the zone, under its wildcard\), or give the load balancer a certificate that covers it/);
    expect(result.events).toContainEqual({ tenantId: 'deep', to: 'failed', reason: deep.reason });
    expect(JSON.stringify(result.actions)).not.toContain('deep');
    expect(result.actions.map(a => a.kind)).toEqual(['createTenant', 'changeRecords']);
  });

  test('an existing distribution tenant whose domain the names no longer cover is left as it is, failed', () => {
    const observed: ObservedState = {
      ...NOTHING,
      distributionTenants: [{ name: 'deep', domains: ['deep.example.com'], enabled: true, deployed: true, settings: '' }],
      records: [{ name: 'deep.example.com', value: ENDPOINT, inSync: true }],
    };
    const result = reconcile([{ tenant: { id: 'deep', domainNames: ['deep.example.com', 'a.deep.example.com'] } }], observed,
      { routingEndpoint: ENDPOINT, loadBalancerNames: WILDCARD });
    expect(result.actions).toEqual([]);
    expect(result.statuses).toEqual([{ tenantId: 'deep', status: 'failed', reason: notCoveredProblem(['a.deep.example.com'], WILDCARD) }]);
  });

  const DOMAINS = ['a.example.com', 'b.example.com', 'x.a.example.com', 'example.com', 'y.b.example.com', 'other.org'];
  const store = fc.array(fc.subarray(DOMAINS, { minLength: 1 }), { minLength: 1, maxLength: 4 }).map(lists => {
    const seen = new Set<string>();
    return lists.flatMap((list, i): DesiredTenant[] => {
      const domainNames = list.filter(d => !seen.has(d));
      domainNames.forEach(d => seen.add(d));
      return domainNames.length === 0 ? [] : [{ tenant: { id: `t${i}`, domainNames } }];
    });
  });
  const names = fc.subarray(['*.example.com', 'example.com', 'x.a.example.com', '*.b.example.com', 'other.org']);

  test('property: a tenant fails exactly when a domain of its is uncovered, and no action touches it', () => {
    fc.assert(fc.property(store, names, (desired, lbNames) => {
      const result = reconcile(desired, NOTHING, { routingEndpoint: ENDPOINT, loadBalancerNames: lbNames });
      for (const { tenant } of desired) {
        const uncovered = tenant.domainNames.filter(d => !lbNames.some(n => n === d || (n.startsWith('*.') && d.slice(d.indexOf('.') + 1) === n.slice(2))));
        const status = result.statuses.find(s => s.tenantId === tenant.id)!;
        if (uncovered.length > 0) {
          expect(status).toEqual({ tenantId: tenant.id, status: 'failed', reason: notCoveredProblem(uncovered, lbNames) });
          const touched = result.actions.some(a => (a.kind === 'changeRecords' ? a.changes.some(c => tenant.domainNames.includes(c.name))
            : a.kind === 'moveDomain' ? a.to === tenant.id : a.tenantId === tenant.id));
          expect(touched).toBe(false);
        } else {
          expect(status.status).not.toBe('failed');
        }
      }
    }));
  });

  test('property: names that cover every domain change nothing, and unknown names check nothing', () => {
    fc.assert(fc.property(store, desired => {
      const unchecked = reconcile(desired, NOTHING, { routingEndpoint: ENDPOINT });
      const covered = reconcile(desired, NOTHING, { routingEndpoint: ENDPOINT, loadBalancerNames: [...DOMAINS] });
      expect(covered).toEqual(unchecked);
      expect(unchecked.statuses.every(s => s.status !== 'failed')).toBe(true);
    }));
  });

  test('the names travel as one comma-separated value; an absent value is unknown, an empty one covers nothing', () => {
    expect(decodeLoadBalancerNames(encodeLoadBalancerNames(WILDCARD))).toEqual(WILDCARD);
    expect(decodeLoadBalancerNames(undefined)).toBeUndefined();
    expect(decodeLoadBalancerNames('')).toEqual([]);
  });
});

describe('the reconciler handler', () => {
  const cloudFront = mockClient(CloudFrontClient);
  const dynamo = mockClient(DynamoDBClient);
  const events = mockClient(EventBridgeClient);
  beforeEach(() => {
    cloudFront.reset();
    dynamo.reset();
    events.reset();
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  });

  test('with the load balancer\'s names in its environment, an uncovered tenant is written failed and no distribution tenant is made', async () => {
    const deep = { id: 'deep', domainNames: ['shop.deep.example.com'] };
    dynamo.on(BatchGetItemCommand).resolves({ Responses: { Tenants: [{ id: { S: 'deep' }, tenant: { S: JSON.stringify(deep) } }] } });
    cloudFront.on(GetDistributionTenantCommand).rejects(Object.assign(new Error('not found'), { name: 'EntityNotFound' }));
    const response = await reconcileMessages({ Records: [{ messageId: 'm1', body: JSON.stringify({ tenantIds: ['deep'] }) }] }, {
      cloudFront: new CloudFrontClient({}),
      route53: new Route53Client({}),
      dynamo: new DynamoDBClient({}),
      events: new EventBridgeClient({}),
      env: {
        tableName: 'Tenants',
        distributionId: 'EDFDVBD6EXAMPLE',
        connectionGroupId: 'cg_1',
        routingEndpoint: ENDPOINT,
        hostedZoneId: 'Z1',
        eventBusName: 'default',
        loadBalancerNames: decodeLoadBalancerNames('*.example.com,example.com'),
      },
      sleep: async () => {},
    });
    expect(cloudFront.commandCalls(CreateDistributionTenantCommand)).toHaveLength(0);
    const status = dynamo.commandCalls(UpdateItemCommand).map(c => c.args[0].input.ExpressionAttributeValues?.[':s']?.S);
    expect(status).toEqual(['failed']);
    expect(JSON.parse(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries![0].Detail!)).toMatchObject({ tenantId: 'deep', to: 'failed' });
    // Failed is final until the store changes: the page is not handed back.
    expect(response).toEqual({ batchItemFailures: [] });
  });
});

describe('the gateway', () => {
  const controlPlane = { edge: EdgeMode.multiTenantDistribution({ controlPlane: {} }) };
  const ids = controlPlaneOutputIds('Gateway');
  const coverageWarning = Match.stringLikeRegexp('\\[ack: cdk-multi-tenant-gateway:control-plane-coverage-unchecked\\]');
  const reconcilerVariables = (template: Template) => Object.values(template.findResources('AWS::Lambda::Function'))
    .map(f => f.Properties.Environment?.Variables ?? {}).find(v => v.TABLE_NAME !== undefined);

  test('DNS-validated certificates: the zone\'s wildcard pair reaches the reconciler\'s environment and a stack output the CLI reads', () => {
    const { stack } = build(tenants(1), {
      ...controlPlane, distributionCertificate: undefined, loadBalancerCertificates: undefined, certificates: GatewayCertificates.dnsValidated(),
    });
    const template = Template.fromStack(stack);
    expect(reconcilerVariables(template).LOAD_BALANCER_NAMES).toBe('*.example.com,example.com');
    template.hasOutput(ids.loadBalancerNames, { Value: '*.example.com,example.com' });
    Annotations.fromStack(stack).hasNoWarning('*', coverageWarning);
    const document = { Stack: { [ids.table]: 'the-table', [ids.queueUrl]: 'https://sqs/q', [ids.loadBalancerNames]: '*.example.com,example.com' } };
    expect(findControlPlane(document, 'outputs').loadBalancerNames).toEqual(WILDCARD);
  });

  test('DNS-validated with every tenant in the store (none in the template): the gateway still plans the zone\'s wildcard pair and passes it on', () => {
    const { stack } = build([], {
      ...controlPlane, distributionCertificate: undefined, loadBalancerCertificates: undefined, certificates: GatewayCertificates.dnsValidated(),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: '*.example.com', SubjectAlternativeNames: ['example.com'] });
    expect(reconcilerVariables(template).LOAD_BALANCER_NAMES).toBe('*.example.com,example.com');
  });

  test('brought certificates made in the app with acm.Certificate: every name of every load balancer certificate', () => {
    const app = new App();
    const certificates = new Stack(app, 'Certificates', { env: { account: '123456789012', region: 'eu-west-1' } });
    const made = (id: string, domainName: string, subjectAlternativeNames?: string[]) =>
      new acm.Certificate(certificates, id, { domainName, subjectAlternativeNames });
    const { stack } = build(tenants(1), {
      ...controlPlane,
      loadBalancerCertificates: [made('Wildcard', '*.example.com', ['example.com']), made('Deep', 'shop.deep.example.com')],
    }, app);
    expect(reconcilerVariables(Template.fromStack(stack)).LOAD_BALANCER_NAMES).toBe('*.example.com,example.com,shop.deep.example.com');
  });

  test('names too many for the reconciler\'s environment are not passed on: no output, and the warning says why', () => {
    const app = new App();
    const certificates = new Stack(app, 'Certificates', { env: { account: '123456789012', region: 'eu-west-1' } });
    const names = Array.from({ length: 100 }, (_, i) => `tenant-with-a-long-name-${i}.example.com`);
    const loadBalancerCertificates = [0, 1, 2].map(n => new acm.Certificate(certificates, `C${n}`, {
      domainName: names[n * 33], subjectAlternativeNames: names.slice(n * 33 + 1, n * 33 + 33),
    }));
    const { stack } = build([{ id: 'first', domainNames: [names[0]] }], { ...controlPlane, loadBalancerCertificates }, app);
    expect(reconcilerVariables(Template.fromStack(stack)).LOAD_BALANCER_NAMES).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/Stack/Gateway', Match.stringLikeRegexp('their 99 names are more than the reconciler\'s environment holds'));
  });

  test('certificates imported by ARN: no names, no output, and a warning that store tenants\' domains go unchecked', () => {
    const { stack } = build(tenants(1), controlPlane);
    const template = Template.fromStack(stack);
    expect(reconcilerVariables(template).LOAD_BALANCER_NAMES).toBeUndefined();
    expect(Object.keys(template.findOutputs(ids.loadBalancerNames))).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Stack/Gateway', coverageWarning);
    const document = { Stack: { [ids.table]: 'the-table', [ids.queueUrl]: 'https://sqs/q' } };
    expect(findControlPlane(document, 'outputs').loadBalancerNames).toBeUndefined();
  });
});

describe('the CLI', () => {
  const dynamo = mockClient(DynamoDBClient);
  const sqs = mockClient(SQSClient);
  const cloudFormation = mockClient(CloudFormationClient);
  const cli = cliFolder('control-plane-coverage-');
  const outputs = (extra: { OutputKey: string; OutputValue: string }[]) => cloudFormation.on(DescribeStacksCommand, { StackName: 'Edge' }).resolves({
    Stacks: [{
      StackName: 'Edge',
      CreationTime: new Date(),
      StackStatus: 'UPDATE_COMPLETE',
      Outputs: [{ OutputKey: 'GatewayControlPlaneTable', OutputValue: 'Tenants' }, { OutputKey: 'GatewayControlPlaneQueueUrl', OutputValue: 'https://sqs/1/Pages' }, ...extra],
    }],
  });
  const names = { OutputKey: 'GatewayControlPlaneLoadBalancerNames', OutputValue: '*.example.com,example.com' };
  beforeEach(() => {
    dynamo.reset();
    sqs.reset();
    cloudFormation.reset();
    dynamo.on(TransactWriteItemsCommand).resolves({});
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
  });

  test('`add --store` refuses a domain the load balancer\'s certificates do not cover, with the 502 and the fix, before it writes anything', async () => {
    outputs([names]);
    const run = await cli.runAsync(undefined, 'add', 'deep', 'deep.example.com', 'shop.deep.example.com', '--store', '--stack-name', 'Edge');
    expect(run.code).toBe(1);
    expect(run.err).toContain('Cannot add tenant "deep"');
    expect(run.err).toContain('`domainNames` "shop.deep.example.com" is not covered by the load balancer\'s certificates (names: *.example.com, example.com)');
    expect(run.err).toMatch(/viewers get 502[\s\S]*a direct subdomain of the zone/);
    expect(dynamo.calls()).toHaveLength(0);
    expect(sqs.calls()).toHaveLength(0);
  });

  test('`add --store` takes a covered domain; without the output (names unknown) it takes any', async () => {
    outputs([names]);
    expect((await cli.runAsync(undefined, 'add', 'acme', 'acme.example.com', '--store', '--stack-name', 'Edge')).code).toBe(0);
    cloudFormation.reset();
    outputs([]);
    expect((await cli.runAsync(undefined, 'add', 'deep', 'shop.deep.example.com', '--store', '--stack-name', 'Edge')).code).toBe(0);
    expect(dynamo.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
  });

  test('`sync` refuses a file with an uncovered domain, naming the tenant, before it reads or writes the store', async () => {
    outputs([names]);
    fs.writeFileSync(cli.file('tenants.json'), JSON.stringify({
      tenants: [
        { id: 'acme', domainNames: ['acme.example.com'] }, { id: 'deep', domainNames: ['a.deep.example.com', 'b.deep.example.com'] },
      ],
    }));
    const run = await cli.runAsync(undefined, 'sync', '--stack-name', 'Edge');
    expect(run.code).toBe(1);
    expect(run.err).toContain('tenant "deep": `domainNames` "a.deep.example.com", "b.deep.example.com" are not covered by the load balancer\'s certificates');
    expect(run.err).not.toContain('tenant "acme"');
    expect(dynamo.calls()).toHaveLength(0);
  });
});
