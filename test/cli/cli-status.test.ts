// `status` and `dns --stack-name`: the AWS SDK v3 clients are mocked (aws-sdk-client-mock) and
// public DNS is a stub, so the tests need no account and no network.
import * as fs from 'fs';
import {
  CloudFormationClient, DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CloudFrontClient, EntityNotFound, GetDistributionTenantByDomainCommand, GetManagedCertificateDetailsCommand, ListDistributionsCommand,
  ListDomainConflictsCommand,
} from '@aws-sdk/client-cloudfront';
import { mockClient } from 'aws-sdk-client-mock';
import { cliFolder } from './cli-harness';
import { describeStackOutputs } from '../../src/cli/aws/cloudformation';
import { cloudFrontLookup } from '../../src/cli/aws/cloudfront';
import { loadCloudFront, loadCloudFormation, SDK_PACKAGES } from '../../src/cli/aws/sdk';
import { AwsIo } from '../../src/cli/main';
import { Resolver } from '../../src/cli/status';

const folder = cliFolder('tenants-cli-status-');
const cloudFront = mockClient(CloudFrontClient);
const cloudFormation = mockClient(CloudFormationClient);
beforeEach(() => {
  cloudFront.reset();
  cloudFormation.reset();
});

const SHARD0 = 'd0000000000000.cloudfront.net';
const SHARD1 = 'd1111111111111.cloudfront.net';
const OUTPUTS = [{ OutputKey: 'GatewayDnsTargets0', OutputValue: JSON.stringify({ edge: 'shardedDistributions', shards: { 0: SHARD0, 1: SHARD1 } }) }];

/** Public DNS as a table: name → CNAME targets and A addresses; a name not there does not exist. */
function stubResolver(records: { [name: string]: { cname?: string[]; a?: string[] } }): Resolver {
  const answer = (name: string, kind: 'cname' | 'a') => {
    const found = records[name]?.[kind];
    if (found !== undefined) return Promise.resolve(found);
    return Promise.reject(Object.assign(new Error(`queryA ${records[name] ? 'ENODATA' : 'ENOTFOUND'} ${name}`), { code: records[name] ? 'ENODATA' : 'ENOTFOUND' }));
  };
  return { resolveCname: name => answer(name, 'cname'), resolve4: name => answer(name, 'a') };
}

/** The real CloudFormation and CloudFront code paths (over the mocked clients), with a stub resolver. */
function aws(resolver: Resolver): AwsIo {
  return {
    stackOutputs: (stackName, command, region) => describeStackOutputs(stackName, command, { region }),
    edge: command => cloudFrontLookup(command),
    resolver,
  };
}

function writeTenants(tenants: object[], settings?: object): void {
  fs.writeFileSync(folder.file('tenants.json'), JSON.stringify({ ...(settings ? { settings } : {}), tenants }));
}

// Two domains per shard: acme on shard 0, partner (two domains) on shard 1.
const SMALL = ['--quota', 'domainsPerDistribution=2'];
const TENANTS = [
  { id: 'acme', domainNames: ['acme.example.com'], shard: 0 },
  { id: 'partner', domainNames: ['www.partner.test', 'partner.test'], externalDns: true, shard: 1 },
];

describe('dns --stack-name and describe-stacks output', () => {
  // DescribeStacks answers Stacks[].Outputs[] of { OutputKey, OutputValue } ("DescribeStacks", AWS CloudFormation API
  // Reference, https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html, and "Output",
  // https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Output.html); `aws cloudformation describe-stacks` prints it as JSON.
  test('reads the outputs of `aws cloudformation describe-stacks` from a file', () => {
    writeTenants(TENANTS);
    fs.writeFileSync(folder.file('stack.json'), JSON.stringify({ Stacks: [{ StackName: 'App', StackStatus: 'UPDATE_COMPLETE', Outputs: OUTPUTS }] }));
    const result = folder.run('dns', 'partner', '--outputs', 'stack.json', ...SMALL);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^CNAME +www\.partner\.test +d1111111111111\.cloudfront\.net$/m);
    expect(result.out).toContain('Next, once the partner has created them, check that the domains are live:\n' +
      '  npx cdk-multi-tenant-gateway status partner --outputs stack.json');
  });

  test('asks CloudFormation with --stack-name, in the region given (the CLI\'s own SDK loading, over the mocked client)', async () => {
    writeTenants(TENANTS);
    cloudFormation.on(DescribeStacksCommand, { StackName: 'App' }).resolves({ Stacks: [{ StackName: 'App', Outputs: OUTPUTS } as never] });
    const result = await folder.runAsync(undefined, 'dns', 'partner', '--stack-name', 'App', '--region', 'eu-west-1', ...SMALL);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^ALIAS +partner\.test +d1111111111111\.cloudfront\.net$/m);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(await cloudFormation.call(0).thisValue.config.region()).toBe('eu-west-1');
  });

  test('a stack CloudFormation does not know: the error names it and the region flag', async () => {
    writeTenants(TENANTS);
    cloudFormation.on(DescribeStacksCommand).rejects(new Error('Stack with id Ap does not exist'));
    const result = await folder.runAsync(undefined, 'dns', 'partner', '--stack-name', 'Ap', ...SMALL);
    expect(result).toMatchObject({
      code: 1,
      err: 'Cannot read the outputs of stack "Ap" from CloudFormation: Stack with id Ap does not exist ' +
      '(check the name and the region, --region)',
    });
  });
});

describe('status', () => {
  function distributions() {
    cloudFront.on(ListDistributionsCommand).resolvesOnce({
      DistributionList: {
        IsTruncated: true,
        NextMarker: 'page2',
        Items: [
          {
            Id: 'E0SHARD0',
            DomainName: SHARD0,
            Status: 'Deployed',
            Aliases: { Quantity: 1, Items: ['acme.example.com'] },
            ViewerCertificate: { ACMCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/edge' },
          },
        ],
      } as never,
    }).resolvesOnce({
      DistributionList: {
        IsTruncated: false,
        Items: [
          {
            Id: 'E1SHARD1',
            DomainName: SHARD1,
            Status: 'InProgress',
            Aliases: { Quantity: 1, Items: ['www.partner.test'] },
            ViewerCertificate: { ACMCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/edge' },
          },
        ],
      } as never,
    });
  }

  // An alternate domain name is accepted only with a certificate that covers it ("Requirements for using alternate domain
  // names", https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/CNAMEs.html#alternate-domain-names-requirements),
  // so an alias on the gateway's distribution has a covering certificate. ListDomainConflicts names the distribution or
  // distribution tenant that holds a domain, asked on behalf of a resource whose certificate covers it ("ListDomainConflicts",
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDomainConflicts.html; "DomainConflict",
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_DomainConflict.html).
  test('sharded: association, certificate, deployment and public DNS for each domain, over every page of distributions', async () => {
    writeTenants(TENANTS);
    distributions();
    cloudFront.on(ListDomainConflictsCommand, { Domain: 'partner.test' }).resolves({
      DomainConflicts: [{ Domain: 'partner.test', ResourceType: 'distribution', ResourceId: 'EOLDHANDBUILT', AccountId: '123456789012' }],
    });
    fs.writeFileSync(folder.file('cdk-outputs.json'), JSON.stringify({ App: { GatewayDnsTargets0: OUTPUTS[0].OutputValue } }));
    const resolver = stubResolver({
      'acme.example.com': { a: ['192.0.2.10'] },
      [SHARD0]: { a: ['192.0.2.10', '192.0.2.11'] },
      'www.partner.test': { cname: [`${SHARD1}.`] },
      'partner.test': { a: ['198.51.100.7'] },
      [SHARD1]: { a: ['192.0.2.20'] },
    });

    const result = await folder.runAsync(aws(resolver), 'status', '--outputs', 'cdk-outputs.json', '--json', ...SMALL);
    expect(result.err).toBe('');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.out)).toEqual([
      {
        tenant: 'acme',
        domain: 'acme.example.com',
        shard: 0,
        target: SHARD0,
        ready: true,
        association: { ok: true, found: 'gateway distribution E0SHARD0' },
        certificate: { ok: true, found: 'covers it (arn:aws:acm:us-east-1:123456789012:certificate/edge)' },
        deployed: { ok: true, found: 'distribution E0SHARD0 Deployed' },
        dns: { ok: true, found: 'A 192.0.2.10 (the target\'s)' },
      },
      {
        tenant: 'partner',
        domain: 'www.partner.test',
        shard: 1,
        target: SHARD1,
        ready: false,
        association: { ok: true, found: 'gateway distribution E1SHARD1' },
        certificate: { ok: true, found: 'covers it (arn:aws:acm:us-east-1:123456789012:certificate/edge)' },
        deployed: { ok: false, found: 'distribution E1SHARD1 InProgress' },
        dns: { ok: true, found: `CNAME ${SHARD1}` },
      },
      {
        tenant: 'partner',
        domain: 'partner.test',
        shard: 1,
        target: SHARD1,
        ready: false,
        association: { ok: false, found: 'held by distribution EOLDHANDBUILT (account 123456789012)' },
        certificate: { ok: false, found: 'not on the gateway distribution yet' },
        deployed: { ok: false, found: 'distribution E1SHARD1 InProgress' },
        dns: { ok: false, found: 'A 198.51.100.7, not the target\'s' },
      },
    ]);
    expect(cloudFront.commandCalls(ListDistributionsCommand).map(c => c.args[0].input.Marker)).toEqual([undefined, 'page2']);
    expect(cloudFront.commandCalls(ListDomainConflictsCommand).map(c => c.args[0].input)).toEqual([
      { Domain: 'partner.test', DomainControlValidationResource: { DistributionId: 'E1SHARD1' }, Marker: undefined },
    ]);
  });

  test('one tenant, as a table, exit 0 when every domain is ready', async () => {
    writeTenants(TENANTS);
    distributions();
    fs.writeFileSync(folder.file('cdk-outputs.json'), JSON.stringify({ App: { GatewayDnsTargets0: OUTPUTS[0].OutputValue } }));
    const resolver = stubResolver({ 'acme.example.com': { cname: [SHARD0] } });
    const result = await folder.runAsync(aws(resolver), 'status', 'acme', '--outputs', 'cdk-outputs.json', ...SMALL);
    expect(result).toMatchObject({ code: 0, err: '' });
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^TENANT +DOMAIN +ASSOCIATION +CERTIFICATE +DEPLOYED +PUBLIC DNS$/);
    expect(lines[1]).toMatch(new RegExp(/^acme +acme\.example\.com +ok: gateway distribution E0SHARD0 +/.source +
      /ok: covers it \(arn:aws:acm:us-east-1:123456789012:certificate\/edge\) +ok: distribution E0SHARD0 Deployed +ok: CNAME d0000000000000\.cloudfront\.net$/.source));
    expect(lines.slice(2)).toEqual(['', '1 of 1 domains ready (associated with the gateway, certificate in place, deployed, public DNS pointing at it).']);
  });

  // GetDistributionTenantByDomain finds the distribution tenant serving a domain, and GetManagedCertificateDetails a
  // CloudFront-managed certificate's status ("GetDistributionTenantByDomain",
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetDistributionTenantByDomain.html; "GetManagedCertificateDetails",
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_GetManagedCertificateDetails.html).
  test('multi-tenant: the distribution tenant, its domain\'s status and its managed certificate; a domain no tenant serves', async () => {
    writeTenants([{ id: 'acme', domainNames: ['acme.example.com', 'new.acme.example.com'] }], { edge: 'multiTenantDistribution', tenantNamePrefix: 'gw-' });
    const endpoint = 'abc123.route.cloudfront.net';
    fs.writeFileSync(folder.file('cdk-outputs.json'), JSON.stringify({
      App: { GatewayDnsTargets0: JSON.stringify({ edge: 'multiTenantDistribution', shards: { 0: endpoint } }) },
    }));
    cloudFront.on(GetDistributionTenantByDomainCommand, { Domain: 'acme.example.com' }).resolves({
      DistributionTenant: {
        Id: 'dt_acme0000000001',
        Name: 'gw-acme',
        DistributionId: 'EMULTI',
        Status: 'Deployed',
        Domains: [{ Domain: 'acme.example.com', Status: 'active' }],
      },
    });
    cloudFront.on(GetDistributionTenantByDomainCommand, { Domain: 'new.acme.example.com' })
      .rejects(new EntityNotFound({ message: 'not found', $metadata: {} }));
    cloudFront.on(GetManagedCertificateDetailsCommand, { Identifier: 'dt_acme0000000001' })
      .resolves({ ManagedCertificateDetails: { CertificateStatus: 'pending-validation' } });

    const result = await folder.runAsync(aws(stubResolver({ 'acme.example.com': { cname: [endpoint] } })),
      'status', 'acme', '--outputs', 'cdk-outputs.json', '--json');
    expect(result.code).toBe(1);
    const [served, missing] = JSON.parse(result.out);
    expect(served).toMatchObject({
      association: { ok: true, found: 'distribution tenant gw-acme (dt_acme0000000001) of EMULTI' },
      certificate: { ok: false, found: 'managed, pending-validation' },
      deployed: { ok: true, found: 'dt_acme0000000001 Deployed' },
      dns: { ok: true, found: `CNAME ${endpoint}` },
      ready: false,
    });
    expect(missing).toMatchObject({ association: { ok: false, found: 'no distribution tenant serves it' }, dns: { ok: false, found: 'no A or CNAME record' } });

    // Another gateway's (or a hand-made) tenant of a name that only ends like ours is not the gateway's.
    cloudFront.on(GetDistributionTenantByDomainCommand, { Domain: 'acme.example.com' }).resolves({
      DistributionTenant: { Id: 'dt_other000000001', Name: 'old-gw-acme', DistributionId: 'EOTHER', Status: 'Deployed', Customizations: { Certificate: { Arn: 'arn:cert' } } },
    });
    const foreign = JSON.parse((await folder.runAsync(aws(stubResolver({})), 'status', 'acme', '--outputs', 'cdk-outputs.json', '--json')).out)[0];
    expect(foreign).toMatchObject({
      association: { ok: false, found: 'held by distribution tenant old-gw-acme (dt_other000000001) of EOTHER, not the gateway\'s' },
      certificate: { ok: true, found: 'its own: arn:cert' },
    });
  });

  test('needs the gateway\'s outputs, and a tenant the file has', async () => {
    writeTenants(TENANTS);
    const none = await folder.runAsync(aws(stubResolver({})), 'status', ...SMALL);
    expect(none).toMatchObject({ code: 1, err: expect.stringMatching(/^`status` compares with the gateway's stack outputs: give --stack-name <stack>/) });
    fs.writeFileSync(folder.file('cdk-outputs.json'), JSON.stringify({ App: { GatewayDnsTargets0: OUTPUTS[0].OutputValue } }));
    const unknown = await folder.runAsync(aws(stubResolver({})), 'status', 'partnr', '--outputs', 'cdk-outputs.json', ...SMALL);
    expect(unknown).toMatchObject({ code: 1, err: 'tenants.json has no tenant "partnr" (did you mean "partner"?)' });
    expect(cloudFront.calls()).toHaveLength(0);
  });
});

describe('the AWS SDK is not a dependency of the package', () => {
  const missing = (name: string) => {
    throw Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
  };

  test('without it, status and dns --stack-name say which packages to install', () => {
    const message = '`status` asks AWS with the AWS SDK for JavaScript v3, which is not installed here (@aws-sdk/client-cloudfront is missing; ' +
      'validate, plan and the edits need no SDK, so the package does not install it). Install the clients beside it:\n' +
      '  npm install --save-dev @aws-sdk/client-cloudfront @aws-sdk/client-cloudformation';
    expect(() => loadCloudFront('status', missing)).toThrow(message);
    expect(() => loadCloudFormation('dns', missing)).toThrow(/^`dns` asks AWS .*@aws-sdk\/client-cloudformation is missing/);
    expect(SDK_PACKAGES).toEqual(['@aws-sdk/client-cloudfront', '@aws-sdk/client-cloudformation']);
  });

  test('another failure to load is not taken for a missing package', () => {
    expect(() => loadCloudFront('status', () => {
      throw new SyntaxError('Unexpected token');
    })).toThrow('Unexpected token');
  });

  test('the package lists the SDK clients as dev dependencies only', () => {
    const pkg = JSON.parse(fs.readFileSync(`${__dirname}/../../package.json`, 'utf8'));
    for (const name of SDK_PACKAGES) {
      expect(pkg.devDependencies[name]).toBeDefined();
      expect(pkg.dependencies?.[name]).toBeUndefined();
    }
  });
});
