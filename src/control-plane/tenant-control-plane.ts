import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CELL_ORIGINS_VARIABLE, cellOriginsProblems, DEFAULT_ORIGIN_PARAMETER, ORIGIN_PARAMETER_VARIABLE } from './cell-origins';
import { encodeLoadBalancerNames, LOAD_BALANCER_NAMES_VARIABLE, loadBalancerNamesProblems } from './load-balancer-names';
import { CLOUDFRONT_RATE_VARIABLE, CONCURRENT_PASSES, DEFAULT_CLOUDFRONT_PER_SECOND, DEFAULT_ROUTE53_PER_SECOND, rateProblems, reconcilerTimeoutSeconds, ROUTE53_RATE_VARIABLE } from './pacing';
import { PAGE_RETENTION_SECONDS } from './page-retention';
import { ReconcilerFunction } from './reconciler-function';
import { acknowledgeCheckov, acknowledgeNag } from '../private/nag';
import { newestNodeRuntime } from '../private/node-runtime';
import { show, throwIfProblems } from '../private/problems';

/** Props of the tenant control plane: the multi-tenant distribution it puts tenants on, and where their records go. */
export interface TenantControlPlaneProps {
  /** The ID of the multi-tenant distribution the distribution tenants are made on. */
  readonly distributionId: string;

  /** The ID of the connection group the distribution tenants use. */
  readonly connectionGroupId: string;

  /** The connection group's routing endpoint: every tenant domain's CNAME points at it. */
  readonly routingEndpoint: string;

  /** The hosted zone where the tenants' CNAMEs go (tenants with `externalDns` get none). */
  readonly hostedZone: route53.IHostedZone;

  /**
   * The bus the status events go to (source "cdk-multi-tenant-gateway.control-plane", detail
   * type "Tenant status changed").
   *
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;

  /**
   * How long a page of tenants whose certificates validate waits before it is reconciled again:
   * the queue's visibility timeout. A page that acted, or awaits a deploy or DNS, comes back after
   * 30 seconds instead. From the reconciler's timeout (a full pass over a page at its share of
   * `cloudFrontCallsPerSecond`: 160 seconds at the default pace) to 12 hours (SQS's maximum).
   *
   * @default - the reconciler's timeout, at least 2 minutes (160 seconds at the default pace)
   */
  readonly recheckAfter?: Duration;

  /**
   * How often the drift sweep queues every store tenant for a full pass, which reads each
   * distribution tenant and certificate again instead of trusting what the store noted: it finds
   * a change made behind the store's back (in the console, by another tool) and a page lost to
   * the dead-letter queue. It goes through the reconciler's queue, one chunk of the table at a
   * time, so it stays within the API rates and never overlaps itself; a large store's sweep takes
   * as long as an import of it (see docs/control-plane.md). `Duration.seconds(0)` turns it off.
   *
   * @default Duration.hours(6)
   */
  readonly sweepEvery?: Duration;

  /**
   * The reconciler's pace on CloudFront's API (calls a second, a burst of two seconds' worth; a
   * retried call counts again). AWS publishes no rate for CloudFront's control-plane API, so this
   * is a setting: raise it when AWS has told you your account's rate, lower it when other tools
   * share it. Import and sweep times scale with it (docs/control-plane.md).
   *
   * @default 5
   */
  readonly cloudFrontCallsPerSecond?: number;

  /**
   * The reconciler's pace on Route 53's API (calls a second, a burst of two seconds' worth).
   * Route 53 allows 10 requests a second for the whole account, shared with CloudFormation and
   * every other tool; a pass makes one change request per 500 records.
   *
   * @default 5 (half the account's rate)
   */
  readonly route53CallsPerSecond?: number;

  /**
   * What happens to the tenant store when the control plane is removed from the app.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Put before each tenant id to name its distribution tenant (names are unique in the account,
   * so they must not be those of distribution tenants a template makes). Fixed once tenants exist.
   *
   * @default "" (the tenant id alone)
   */
  readonly tenantNamePrefix?: string;

  /**
   * The names the load balancer's certificates cover (exact names and one-level wildcards, as ACM
   * matches them). CloudFront forwards the viewer's Host to the load balancer over HTTPS and
   * viewers get 502 unless it presents a certificate matching it, so the reconciler marks a
   * tenant with a domain none of these covers `failed` instead of making its distribution tenant.
   * The gateway passes the names of the certificates it knows.
   *
   * @default - not known: tenant domains are not checked against the load balancer's certificates
   */
  readonly loadBalancerNames?: string[];

  /**
   * The origin domain of each cell besides the default one, by cell name. A store tenant whose
   * `cell` is one of these gets its distribution tenant's `originParameter` set to that cell's
   * origin domain, so the distribution (whose origin domain must be `{{<originParameter>}}`, the
   * default cell's by default value) sends its requests to that cell. The gateway passes its cells.
   *
   * @default - no cells: a store tenant that names a cell other than "default" fails
   */
  readonly cellOrigins?: { [cell: string]: string };

  /**
   * The name of the distribution's parameter that holds the origin domain (see `cellOrigins`).
   *
   * @default "originDomain" (the gateway's)
   */
  readonly originParameter?: string;
}

/** Deliveries of one page before it goes to the dead-letter queue (a page waits on deploys and certificates). */
const MAX_RECEIVES = 60;
/** How long a queued page is kept: SQS's maximum (its default is 4 days), as a 1,000,000-tenant import takes about 11 days. */
const RETENTION = Duration.seconds(PAGE_RETENTION_SECONDS);

/**
 * Tenants as data: a DynamoDB table of desired and observed state, an SQS queue of pages of
 * tenants to reconcile, and the reconciler (a Lambda function, at most two passes at once, paced
 * to stay within CloudFront's and Route 53's API rates) that makes CloudFront SaaS Manager and
 * Route 53 match the table, with an EventBridge event per status change. Tenants are not
 * resources of any template. See docs/control-plane.md.
 */
export class TenantControlPlane extends Construct {
  /** The tenant store: one item per tenant, keyed by `id`. */
  public readonly table: dynamodb.Table;

  /** Pages of tenant ids to reconcile: `{"tenantIds": [...]}`. */
  public readonly queue: sqs.Queue;

  /** Pages that could not be reconciled after many deliveries. */
  public readonly deadLetterQueue: sqs.Queue;

  /** The reconciler. */
  public readonly reconciler: lambda.Function;

  /** The drift sweep's schedule (undefined when `sweepEvery` is zero). */
  public readonly sweepSchedule?: events.Rule;

  constructor(scope: Construct, id: string, props: TenantControlPlaneProps) {
    super(scope, id);
    // One pass over a page at the pace, and the queue's visibility timeout at least that (SQS's rule for a function's queue).
    const cloudFrontPace = props.cloudFrontCallsPerSecond ?? DEFAULT_CLOUDFRONT_PER_SECOND;
    const timeout = Duration.seconds(Token.isUnresolved(cloudFrontPace) ? 900 : reconcilerTimeoutSeconds(cloudFrontPace));
    const recheckAfter = props.recheckAfter ?? Duration.seconds(Math.max(120, timeout.toSeconds()));
    const sweepEvery = props.sweepEvery ?? Duration.hours(6);
    throwIfProblems('TenantControlPlane', controlPlaneProblems(props, { recheckAfter, sweepEvery, timeout }));
    const cells = Object.keys(props.cellOrigins ?? {});

    this.table = new dynamodb.Table(this, 'Tenants', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      retentionPeriod: RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Pages', {
      visibilityTimeout: recheckAfter,
      retentionPeriod: RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVES },
    });

    const bus = props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    this.reconciler = new ReconcilerFunction(this, 'Reconciler', {
      description: 'cdk-multi-tenant-gateway: reconciles distribution tenants and their records with the tenant store',
      runtime: newestNodeRuntime(),
      timeout,
      // A pass holds a page of tenants and waits on its pace most of the time: two of 256 MB cost what one of 512 MB would.
      memorySize: 256,
      // The API rates are per account: the passes share them, at most CONCURRENT_PASSES at once.
      reservedConcurrentExecutions: CONCURRENT_PASSES,
      environment: {
        TABLE_NAME: this.table.tableName,
        DISTRIBUTION_ID: props.distributionId,
        CONNECTION_GROUP_ID: props.connectionGroupId,
        ROUTING_ENDPOINT: props.routingEndpoint,
        HOSTED_ZONE_ID: props.hostedZone.hostedZoneId,
        EVENT_BUS_NAME: bus.eventBusName,
        TENANT_NAME_PREFIX: props.tenantNamePrefix ?? '',
        QUEUE_URL: this.queue.queueUrl,
        [CLOUDFRONT_RATE_VARIABLE]: String(cloudFrontPace),
        [ROUTE53_RATE_VARIABLE]: String(props.route53CallsPerSecond ?? DEFAULT_ROUTE53_PER_SECOND),
        ...(props.loadBalancerNames === undefined ? {} : { [LOAD_BALANCER_NAMES_VARIABLE]: encodeLoadBalancerNames(props.loadBalancerNames) }),
        // The origin domains are deploy-time values (the cells' load balancers): JSON of tokens.
        ...(cells.length === 0 ? {} : {
          [CELL_ORIGINS_VARIABLE]: Stack.of(this).toJsonString(props.cellOrigins),
          [ORIGIN_PARAMETER_VARIABLE]: props.originParameter ?? DEFAULT_ORIGIN_PARAMETER,
        }),
      },
    });
    this.reconciler.addEventSource(new SqsEventSource(this.queue, {
      batchSize: 1, reportBatchItemFailures: true, maxConcurrency: CONCURRENT_PASSES,
    }));
    // The sweep is a message on the reconciler's own queue: it waits its turn behind the pages,
    // and each step queues the next behind the pages it queued (see reconciler.lambda.ts).
    this.queue.grantSendMessages(this.reconciler);
    if (sweepEvery.toSeconds() > 0) {
      this.sweepSchedule = new events.Rule(this, 'Sweep', {
        description: 'cdk-multi-tenant-gateway: queues the drift sweep of the tenant store',
        schedule: events.Schedule.rate(sweepEvery),
        targets: [new targets.SqsQueue(this.queue, { message: events.RuleTargetInput.fromObject({ sweep: {} }) })],
      });
    }
    this.table.grantReadWriteData(this.reconciler);
    bus.grantPutEventsTo(this.reconciler);

    const arn = (resource: string) => `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:${resource}`;
    this.reconciler.addToRolePolicy(new iam.PolicyStatement({
      actions: [
        'cloudfront:CreateDistributionTenant', 'cloudfront:GetDistributionTenant', 'cloudfront:UpdateDistributionTenant',
        'cloudfront:DeleteDistributionTenant', 'cloudfront:GetManagedCertificateDetails', 'cloudfront:UpdateDomainAssociation',
      ],
      // Distribution tenants get their IDs from CloudFront, so they are named by wildcard; the
      // distribution and the connection group are the gateway's own.
      resources: [arn(`distribution/${props.distributionId}`), arn('distribution-tenant/*'), arn(`connection-group/${props.connectionGroupId}`)],
    }));
    // A list call names no resource: it is granted on "*" (Service Authorization Reference,
    // "Actions, resources, and condition keys for Amazon CloudFront"); it only reads, and the
    // reconciler asks it for the gateway's distribution only.
    this.reconciler.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudfront:ListDistributionTenants'], resources: ['*'] }));
    this.reconciler.addToRolePolicy(new iam.PolicyStatement({
      actions: ['route53:ChangeResourceRecordSets'],
      resources: [props.hostedZone.hostedZoneArn],
    }));
    acknowledgeReconciler(this.reconciler);
    acknowledgeStore(this.table, [this.queue, this.deadLetterQueue]);
  }
}

/** The by-design checkov findings of the store and its queues. */
function acknowledgeStore(table: dynamodb.Table, queues: sqs.Queue[]): void {
  acknowledgeNag(table, [{
    id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
    reason: 'Point-in-time recovery is on (any second of the last 35 days), and the store is retained when removed; an AWS Backup ' +
      'plan is the account\'s choice, as the gateway makes none for any resource.',
  }]);
  acknowledgeCheckov(table, 'CKV_AWS_119', 'Encrypted at rest with the AWS managed key: the store holds tenant ids, domain names and ' +
    'statuses, no secret, and a customer managed key would add a key policy every reader of the store must be granted.');
  for (const queue of queues) {
    acknowledgeCheckov(queue, 'CKV_AWS_27', 'Encrypted at rest with SQS managed keys (SqsManagedSseEnabled), which the check does not read; ' +
      'a KMS key would have to let EventBridge use it for the drift sweep\'s messages.');
  }
}

/** The by-design cdk-nag findings of the reconciler's role. */
function acknowledgeReconciler(reconciler: lambda.Function): void {
  acknowledgeNag(reconciler.role!.node.defaultChild!, [{
    id: 'AwsSolutions-IAM4',
    reason: 'The reconciler writes only its logs through this role\'s managed policy: AWS\'s basic execution policy is exactly that.',
    appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
  }]);
  acknowledgeNag(reconciler.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'AwsSolutions-IAM5',
    reason: 'Distribution tenants get their IDs from CloudFront when the reconciler creates them, so they are named by wildcard; ' +
      'ListDistributionTenants names no resource, so it is granted on "*" (it only reads).',
    appliesTo: ['Resource::arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution-tenant/*', 'Resource::*'],
  }]);
  const dlq = 'Fed by SQS only: a page it fails goes back to the queue and, after 60 deliveries, to the queue\'s dead-letter queue; ' +
    'a function dead-letter queue serves asynchronous invocations, which it has none of.';
  const vpc = 'It calls only AWS APIs (CloudFront, Route 53, DynamoDB, SQS, EventBridge), so it needs no VPC.';
  acknowledgeCheckov(reconciler, 'CKV_AWS_116', dlq);
  acknowledgeCheckov(reconciler, 'CKV_AWS_117', vpc);
  acknowledgeNag(reconciler, [{ id: 'NIST.800.53.R5-LambdaDLQ', reason: dlq }, { id: 'NIST.800.53.R5-LambdaInsideVPC', reason: vpc }]);
  acknowledgeNag(reconciler.role!.node.findChild('DefaultPolicy').node.defaultChild!, [{
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'The reconciler\'s own role holds its statements; a managed policy would be one more resource to share nothing.',
  }]);
  acknowledgeCheckov(reconciler, 'CKV_AWS_173', 'Its environment holds resource names and ids only (table, queue, distribution, connection group, zone), no secret.');
}

function controlPlaneProblems(props: TenantControlPlaneProps, { recheckAfter, sweepEvery, timeout }:
{ recheckAfter: Duration; sweepEvery: Duration; timeout: Duration }): string[] {
  const problems: string[] = [];
  for (const key of ['distributionId', 'connectionGroupId', 'routingEndpoint'] as const) {
    const value: unknown = props[key];
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && value.trim() === '')) {
      problems.push(`\`${key}\` must be a non-empty string, got ${show(value)}`);
    }
  }
  problems.push(...loadBalancerNamesProblems(props.loadBalancerNames ?? []));
  problems.push(...cellOriginsProblems(props.cellOrigins ?? {}));
  for (const prop of ['cloudFrontCallsPerSecond', 'route53CallsPerSecond'] as const) {
    if (!Token.isUnresolved(props[prop])) problems.push(...rateProblems(props[prop], prop));
  }
  const parameter = props.originParameter ?? DEFAULT_ORIGIN_PARAMETER;
  // "Parameter", CloudFront API Reference (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Parameter.html).
  if (!Token.isUnresolved(parameter) && !/^[a-zA-Z0-9_-]{1,128}$/.test(parameter)) {
    problems.push(`\`originParameter\` ${show(parameter)} must be a distribution parameter's name: 1-128 letters, digits, hyphens or underscores`);
  }
  const prefix = props.tenantNamePrefix ?? '';
  if (prefix !== '' && !/^[a-zA-Z0-9][a-zA-Z0-9-.]{0,60}$/.test(prefix)) {
    problems.push(`\`tenantNamePrefix\` ${show(prefix)} must be up to 61 letters, digits, hyphens or dots, starting with a letter or digit`);
  }
  if (!Token.isUnresolved(recheckAfter.toSeconds())) {
    const seconds = recheckAfter.toSeconds();
    if (seconds < timeout.toSeconds() || seconds > 12 * 3600) {
      problems.push(`\`recheckAfter\` ${recheckAfter.toHumanString()} must be from ${timeout.toHumanString()} (the reconciler's timeout at its ` +
        'CloudFront pace; SQS needs the visibility timeout at least as long) to 12 hours (SQS\'s maximum visibility timeout)');
    }
  }
  if (!Token.isUnresolved(sweepEvery.toSeconds())) {
    const seconds = sweepEvery.toSeconds();
    // An EventBridge rate is a positive whole number of minutes, hours or days ("Rate expressions
    // reference", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html);
    // a sweep re-reads every tenant, so more often than hourly would only keep the queue full.
    if (seconds !== 0 && (seconds < 3600 || seconds % 60 !== 0)) {
      problems.push(`\`sweepEvery\` ${sweepEvery.toHumanString()} must be whole minutes, at least 1 hour (a sweep reads every tenant again), ` +
        'or Duration.seconds(0) to turn the sweep off');
    }
  }
  return problems;
}
