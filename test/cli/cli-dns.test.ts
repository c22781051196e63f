import * as fs from 'fs';
import { cliFolder } from './cli-harness';
import { TenantProps } from '../../src/tenants/tenants';

// The `dns` command on tenants files and `cdk deploy --outputs-file` documents written here.

const folder = cliFolder('tenants-cli-dns-');
const run = folder.run;

function writeTenants(tenants: TenantProps[], edge?: string, name = 'tenants.json'): void {
  fs.writeFileSync(folder.file(name), JSON.stringify({ tenants, ...(edge ? { settings: { edge } } : {}) }));
}

/** An outputs file as `cdk deploy --outputs-file` writes it: stack → output id → value. */
function writeOutputs(outputs: { [stack: string]: { [id: string]: unknown } }, name = 'cdk-outputs.json'): void {
  const text = Object.fromEntries(Object.entries(outputs).map(([stack, values]) => [stack,
    Object.fromEntries(Object.entries(values).map(([id, v]) => [id, typeof v === 'string' ? v : JSON.stringify(v)]))]));
  fs.writeFileSync(folder.file(name), JSON.stringify(text, null, 2));
}

// With two domains per shard, "partner" (third of three single-domain tenants) lands on shard 1.
const SMALL = ['--quota', 'domainsPerDistribution=2'];
const SHARDED: TenantProps[] = [
  { id: 'acme', domainNames: ['acme.example.com'] },
  { id: 'globex', domainNames: ['globex.example.com'] },
  { id: 'partner', domainNames: ['www.partner.test', 'partner.test'], externalDns: true },
];
const SHARD_TARGETS = { edge: 'shardedDistributions', shards: { 0: 'd0000000000000.cloudfront.net', 1: 'd1111111111111.cloudfront.net' } };

describe('dns: a partner with external DNS', () => {
  test('sharded: a CNAME per subdomain and an ALIAS at the apex, to its shard\'s distribution, and the apex options', () => {
    writeTenants(SHARDED);
    writeOutputs({ App: { GatewayDnsTargets0: SHARD_TARGETS, OtherOutput: 'x' } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json', ...SMALL);

    expect(result).toMatchObject({ code: 0, err: '' });
    const lines = result.out.split('\n');
    expect(lines[0]).toBe('Tenant "partner" (shard 1, outputs of App/Gateway): the partner creates these records at their DNS provider:');
    expect(lines.slice(2, 5)).toEqual([
      'TYPE   NAME              VALUE',
      'CNAME  www.partner.test  d1111111111111.cloudfront.net',
      'ALIAS  partner.test      d1111111111111.cloudfront.net',
    ]);
    expect(result.out).toContain('partner.test is its zone\'s apex, where DNS allows no CNAME. The partner chooses one of:');
    expect(result.out).toContain('an ALIAS, ANAME or flattened CNAME record to d1111111111111.cloudfront.net');
    expect(result.out).toContain('(in Route 53: alias A and AAAA records to the CloudFront distribution)');
    expect(result.out).toContain('a redirect from partner.test to www.partner.test at their current web host, with www.partner.test served here (it is)');
    // Static IP lists attach to connection groups, which sharded distributions have none of.
    expect(result.out).not.toContain('Anycast');
  });

  test('multi-tenant: CNAMEs to the connection group\'s routing endpoint; Anycast static IPs as an apex option', () => {
    writeTenants([{ id: 'partner', domainNames: ['partner.test', 'shop.partner.test'], externalDns: true }], 'multiTenantDistribution');
    writeOutputs({ App: { EdgeDnsTargets0: { edge: 'multiTenantDistribution', shards: { 0: 'd2222222222222.cloudfront.net' } } } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('ALIAS  partner.test       d2222222222222.cloudfront.net');
    expect(result.out).toContain('CNAME  shop.partner.test  d2222222222222.cloudfront.net');
    expect(result.out).toContain('with www.partner.test added to the tenant\'s domainNames');
    expect(result.out).toMatch(/A records to the static IPs of an Anycast static IP list attached to the gateway's connection group \(a list has 3 or 21 IPs/);
    expect(result.out).not.toContain('Route 53');
  });

  test('--json prints the same instructions as data', () => {
    writeTenants(SHARDED);
    writeOutputs({ App: { GatewayDnsTargets0: SHARD_TARGETS } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json', '--json', ...SMALL);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toEqual(expect.objectContaining({
      tenant: 'partner',
      shard: 1,
      edge: 'shardedDistributions',
      externalDns: true,
      outputs: 'App/Gateway',
      target: 'd1111111111111.cloudfront.net',
      records: [
        { type: 'CNAME', name: 'www.partner.test', value: 'd1111111111111.cloudfront.net' },
        { type: 'ALIAS', name: 'partner.test', value: 'd1111111111111.cloudfront.net' },
      ],
      apexDomains: ['partner.test'],
    }));
  });

  // "This setting only affects the initial certificate request. Once the DNS points to CloudFront, all future certificate
  // renewals are automatically handled through CloudFront." ManagedCertificateDetails, Amazon CloudFront API Reference:
  // https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ManagedCertificateDetails.html
  test('external DNS validates self-hosted by default: the records wait until the certificate is issued, and the setting stays', () => {
    writeTenants([{ id: 'partner', domainNames: ['www.partner.test'], externalDns: true }], 'multiTenantDistribution');
    writeOutputs({ App: { GatewayDnsTargets0: { edge: 'multiTenantDistribution', shards: { 0: 'd2222222222222.cloudfront.net' } } } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json');

    expect(result.code).toBe(0);
    expect(result.out).toContain('certificate validation is "self-hosted" (the default for a tenant with `externalDns`)');
    expect(result.out).toMatch(/keep these names on the partner's current server, which must serve the validation token under \/\.well-known\/pki-validation\//);
    expect(result.out).toContain('Leave `certificateValidation` as it is');
    expect(result.out).not.toContain('"cloudfront"');
  });

  test('"cloudfront" validation, chosen by the tenant: the certificate is issued once the records resolve to CloudFront', () => {
    writeTenants([{ id: 'partner', domainNames: ['www.partner.test'], externalDns: true, certificateValidation: 'cloudfront' }], 'multiTenantDistribution');
    writeOutputs({ App: { GatewayDnsTargets0: { edge: 'multiTenantDistribution', shards: { 0: 'd2222222222222.cloudfront.net' } } } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json');

    expect(result.code).toBe(0);
    expect(result.out).toContain('certificate validation is "cloudfront": CloudFront issues the tenant\'s certificate once the records above resolve to it');
    expect(result.out).not.toContain('pki-validation');
  });

  test('sharded distributions: no per-tenant certificate, so no validation note', () => {
    writeTenants(SHARDED);
    writeOutputs({ App: { GatewayDnsTargets0: SHARD_TARGETS } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json', ...SMALL);

    expect(result.code).toBe(0);
    expect(result.out).not.toContain('certificate validation');
  });

  test('the account\'s default connection group: the value is read in the console', () => {
    writeTenants([{ id: 'partner', domainNames: ['www.partner.test'], externalDns: true }], 'multiTenantDistribution');
    writeOutputs({ App: { GatewayDnsTargets0: { edge: 'multiTenantDistribution', shards: { 0: null } } } });

    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json');

    expect(result.code).toBe(0);
    expect(result.out).toContain('CNAME  www.partner.test  <routing endpoint of the default connection group>');
    expect(result.out).toContain('read it in the CloudFront console (Connection groups)');
  });

  test('several gateways: --stack, then --gateway, chooses one', () => {
    writeTenants(SHARDED);
    const other = { edge: 'shardedDistributions', shards: { 1: 'd9999999999999.cloudfront.net' } };
    writeOutputs({ Prod: { GatewayDnsTargets0: SHARD_TARGETS }, Test: { GatewayDnsTargets0: other, SecondDnsTargets0: other } });

    const ambiguous = run('dns', 'partner', '--outputs', 'cdk-outputs.json', ...SMALL);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.err).toBe('cdk-outputs.json has the outputs of 3 gateways (Prod/Gateway, Test/Gateway, Test/Second); choose one with --stack <stack>');

    expect(run('dns', 'partner', '--outputs', 'cdk-outputs.json', '--stack', 'Prod', ...SMALL).out).toContain('d1111111111111.cloudfront.net');
    expect(run('dns', 'partner', '--outputs', 'cdk-outputs.json', '--stack', 'Test', ...SMALL).err).toMatch(/choose one with --gateway <id>$/);
    expect(run('dns', 'partner', '--outputs', 'cdk-outputs.json', '--stack', 'Test', '--gateway', 'Second', ...SMALL).out).toContain('d9999999999999.cloudfront.net');
  });
});

describe('dns: a tenant whose DNS the gateway hosts', () => {
  test('nothing to do, and no outputs needed', () => {
    writeTenants(SHARDED);
    const result = run('dns', 'acme');
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toBe('The gateway hosts the DNS of tenant "acme": it makes the A and AAAA records of acme.example.com in its hosted zone. ' +
      'The partner needs to do nothing.');
  });
});

describe('dns: errors', () => {
  test('an unknown tenant', () => {
    writeTenants(SHARDED);
    expect(run('dns', 'nobody', '--outputs', 'cdk-outputs.json')).toMatchObject({ code: 1, err: 'tenants.json has no tenant "nobody" (it has 3 tenants)' });
  });

  test('an external-DNS tenant without --outputs', () => {
    writeTenants(SHARDED);
    expect(run('dns', 'partner').err).toBe('Tenant "partner" hosts its own DNS: give the gateway\'s stack outputs, in one of three ways:\n' +
      '  --stack-name <stack>   asks CloudFormation, with your AWS credentials\n' +
      '  --outputs <file>       a file from `cdk deploy --outputs-file <file>`\n' +
      '  --outputs <file>       a file from `aws cloudformation describe-stacks --stack-name <stack> > <file>`');
  });

  test('an outputs file without the gateway\'s outputs', () => {
    writeTenants(SHARDED);
    writeOutputs({ App: { SomethingElse: 'x', BrokenDnsTargets0: 'not json' } });
    const result = run('dns', 'partner', '--outputs', 'cdk-outputs.json');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^cdk-outputs\.json has no gateway DNS targets \(outputs named <gateway>DnsTargets<n>\); write it with `cdk deploy --outputs-file`/);
    expect(run('dns', 'partner', '--outputs', 'missing.json').err).toMatch(/^Cannot read outputs file missing\.json/);
  });

  test('outputs from another gateway: another edge mode, or without the tenant\'s shard', () => {
    writeTenants(SHARDED);
    writeOutputs({ App: { GatewayDnsTargets0: { edge: 'multiTenantDistribution', shards: { 0: 'd2222222222222.cloudfront.net' } } } });
    expect(run('dns', 'partner', '--outputs', 'cdk-outputs.json', ...SMALL).err).toMatch(
      /the outputs of App\/Gateway are of a gateway with "multiTenantDistribution", but tenants\.json is planned with "shardedDistributions"/);

    writeOutputs({ App: { GatewayDnsTargets0: { edge: 'shardedDistributions', shards: { 0: 'd0000000000000.cloudfront.net' } } } });
    expect(run('dns', 'partner', '--outputs', 'cdk-outputs.json', ...SMALL).err).toMatch(
      /the outputs of App\/Gateway have no DNS target for shard 1, where tenant "partner" is placed \(they have shards 0\)/);
  });

  test('usage: one tenant id', () => {
    expect(run('dns').code).toBe(2);
    expect(run('dns', 'a', 'b').err).toMatch(/`dns` needs exactly one tenant id/);
  });
});

describe('certificateValidation in the tenants file', () => {
  test('validate accepts it in multi-tenant mode and refuses it with sharded distributions', () => {
    const tenants = [{ id: 'partner', domainNames: ['www.partner.test'], externalDns: true, certificateValidation: 'self-hosted' }];
    writeTenants(tenants, 'multiTenantDistribution');
    expect(run('validate').code).toBe(0);

    writeTenants(tenants);
    const sharded = run('validate');
    expect(sharded.code).toBe(1);
    expect(sharded.err).toContain('tenant "partner": `certificateValidation` "self-hosted" applies only to a multi-tenant distribution ' +
      'with CloudFront-managed tenant certificates, not to sharded distributions');

    writeTenants([{ ...tenants[0], certificateValidation: 'dns' }], 'multiTenantDistribution');
    expect(run('validate').err).toContain('tenant "partner": `certificateValidation` "dns" must be one of "cloudfront", "self-hosted"');
  });

  test('an edit keeps it', () => {
    writeTenants([{ id: 'partner', domainNames: ['www.partner.test'], certificateValidation: 'self-hosted' }, { id: 'b', domainNames: ['b.example.com'] }],
      'multiTenantDistribution');
    expect(run('remove', 'b').code).toBe(0);
    const file = JSON.parse(fs.readFileSync(folder.file('tenants.json'), 'utf8'));
    expect(file.tenants).toEqual([{ id: 'partner', domainNames: ['www.partner.test'], certificateValidation: 'self-hosted' }]);
  });

  test('add --certificate-validation writes it, and refuses it with sharded distributions', () => {
    writeTenants([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }], 'multiTenantDistribution');
    expect(run('add', 'partner', 'www.partner.test', '--external-dns', '--certificate-validation', 'self-hosted')).toMatchObject({ code: 0, err: '' });
    const file = JSON.parse(fs.readFileSync(folder.file('tenants.json'), 'utf8'));
    expect(file.tenants[1]).toEqual({ id: 'partner', domainNames: ['www.partner.test'], shard: 0, externalDns: true, certificateValidation: 'self-hosted' });

    writeTenants([{ id: 'a', domainNames: ['a.example.com'], shard: 0 }]);
    const refused = run('add', 'partner', 'www.partner.test', '--external-dns', '--certificate-validation', 'self-hosted');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('tenant "partner": `certificateValidation` "self-hosted" applies only to a multi-tenant distribution');
    expect(JSON.parse(fs.readFileSync(folder.file('tenants.json'), 'utf8')).tenants).toHaveLength(1);
  });
});
