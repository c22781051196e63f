// The CLI and the construct give one verdict on one tenants file: whatever `validate` accepts, the
// gateway synthesizes, with the edge mode and quotas the file's `settings` carry.
import * as fs from 'fs';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as fc from 'fast-check';
import { cliFolder } from './cli-harness';
import { EdgeMode, MultiTenantGateway, Tenants } from '../../src';

const folder = cliFolder('cli-agree-');

function validate(document: object): { code: number; err: string } {
  fs.writeFileSync(folder.file('tenants.json'), JSON.stringify(document, null, 2));
  const { code, err } = folder.run('validate');
  return { code, err };
}

function synth(document: object, edge?: EdgeMode): void {
  const app = new App();
  const stack = new Stack(app, 'Stack', { env: { account: '123456789012', region: 'us-east-1' } });
  new MultiTenantGateway(stack, 'Gateway', {
    tenants: Tenants.fromJson(JSON.stringify(document), 'tenants.json'),
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z123', zoneName: 'example.com' }),
    distributionCertificate: acm.Certificate.fromCertificateArn(stack, 'Edge', 'arn:aws:acm:us-east-1:123456789012:certificate/e'),
    loadBalancerCertificates: [acm.Certificate.fromCertificateArn(stack, 'Alb', 'arn:aws:acm:us-east-1:123456789012:certificate/o')],
    edge,
  });
}

function tenants(count: number, domainsEach: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `t${i}`, domainNames: Array.from({ length: domainsEach }, (__, d) => `d${d}.t${i}.example.com`),
  }));
}

describe('one verdict', () => {
  test('settings.edge: 4,900 tenants of two domains are 9,800 CNAMEs, within the zone, for the CLI as for the gateway', () => {
    const multi = { settings: { edge: 'multiTenantDistribution' }, tenants: tenants(4_900, 2) };
    expect(validate(multi)).toEqual({ code: 0, err: '' });
    const sharded = validate({ tenants: tenants(4_900, 2) });
    expect(sharded.code).toBe(1);
    expect(sharded.err).toContain('An A and an AAAA record for each of 9800 tenant domains needs 19600');
  });

  test('the gateway refuses props that contradict the file\'s settings', () => {
    const document = { settings: { edge: 'multiTenantDistribution', quotas: { domainsPerDistribution: 50 } }, tenants: tenants(2, 1) };
    expect(() => synth(document, EdgeMode.shardedDistributions())).toThrow(
      /tenants\.json says `settings\.edge` "multiTenantDistribution", but `edge` is sharded distributions/);
    expect(() => synth(document)).not.toThrow();
  });

  test('settings.zoneName: validate refuses a domain outside the zone with the very line the gateway refuses it with', () => {
    const document = {
      settings: { zoneName: 'example.com' },
      tenants: [
        { id: 'acme', domainNames: ['acme.example.com', 'acme.example.org'] },
        { id: 'partner', domainNames: ['partner.test'], externalDns: true },
      ],
    };
    const line = '  - tenant "acme": `domainNames[1]` "acme.example.org" is outside the hosted zone "example.com"; ' +
      'use a name inside it, or set `externalDns: true` if the partner hosts its DNS';
    expect(validate(document)).toEqual({ code: 1, err: `tenants.json has 1 problem:\n${line}` });
    let message = '';
    try {
      synth(document);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toContain(line);
  });

  test('the gateway refuses a hosted zone of another name than settings.zoneName', () => {
    const document = { settings: { zoneName: 'example.org' }, tenants: [{ id: 'acme', domainNames: ['acme.example.com'] }] };
    expect(() => synth(document)).toThrow(/tenants\.json says `settings\.zoneName` "example\.org", but `hostedZone` is "example\.com"; make them the same/);
    expect(() => synth({ ...document, settings: { zoneName: 'example.com.' } })).not.toThrow();
  });

  test('bad settings are listed with the tenants\' problems', () => {
    const result = validate({ settings: { edge: 'cdn', quotas: { domainsPerDistribution: 0, nope: 1 }, color: 1 }, tenants: [{ id: 'A', domainNames: ['a.example.com'] }] });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^tenants\.json has 5 problems:/);
    expect(result.err).toContain('`settings.edge` "cdn" must be one of "shardedDistributions", "multiTenantDistribution"');
    expect(result.err).toContain('`settings.quotas.domainsPerDistribution` must be a positive whole number, got 0');
    expect(result.err).toContain('`settings.quotas.nope` is not a quota');
    expect(result.err).toContain('`settings` has an unknown field `color`');
  });

  test('every field\'s wrong type, every pattern\'s bad end, and a quota four record groups cannot take: the same lines from validate and the gateway', () => {
    const lines = (text: string) => text.split('\n').filter(line => line.startsWith('  - ')).sort();
    const refused = (document: object) => {
      let message = '';
      try {
        synth(document);
      } catch (e) {
        message = (e as Error).message;
      }
      return message;
    };
    const files = [
      {
        tenants: [
          { id: 'acme', domainNames: ['acme.example.com'], externalDns: 'false', shard: '3', config: ['gold'] },
          { id: 'acme_', domainNames: ['b.example.com_'], cell: 'eu_' },
          { id: 'c', domainNames: ['c.example.com'], config: { seats: 5 }, certificateValidation: 'Cloudfront' },
        ],
      },
      { settings: { quotas: { domainsPerDistribution: 'lots', recordsPerHostedZone: 1.5 } }, tenants: [{ id: 'a', domainNames: ['a.example.com'] }] },
      { settings: { quotas: { domainsPerDistribution: 501 } }, tenants: [{ id: 'a', domainNames: ['a.example.com'] }] },
    ];
    for (const document of files) {
      const cli = validate(document);
      expect(cli.code).toBe(1);
      expect(lines(cli.err).length).toBeGreaterThan(0);
      expect(lines(refused(document))).toEqual(lines(cli.err));
    }
  });

  test('property: a file validate accepts synthesizes, and one it refuses does not', () => {
    const tenant = fc.record({
      domains: fc.integer({ min: 1, max: 3 }),
      pin: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      config: fc.option(fc.string({ maxLength: 3_000 }), { nil: undefined }),
      external: fc.boolean(),
    });
    const file = fc.record({
      edge: fc.constantFrom('shardedDistributions', 'multiTenantDistribution'),
      perShard: fc.integer({ min: 1, max: 6 }),
      records: fc.integer({ min: 4, max: 40 }),
      tenants: fc.array(tenant, { minLength: 1, maxLength: 12 }),
    }).map(f => ({
      settings: { edge: f.edge, quotas: { domainsPerDistribution: f.perShard, recordsPerHostedZone: f.records } },
      tenants: f.tenants.map((t, i) => ({
        id: `t${i}`,
        domainNames: Array.from({ length: t.domains }, (_, d) => `d${d}.t${i}.example.com`),
        ...(t.pin === undefined ? {} : { shard: t.pin }),
        ...(t.external ? { externalDns: true } : {}),
        ...(t.config === undefined ? {} : { config: { notes: t.config.repeat(2) } }),
      })),
    }));
    let accepted = 0;
    fc.assert(fc.property(file, document => {
      const verdict = validate(document);
      if (verdict.code === 0) {
        accepted++;
        expect(() => synth(document)).not.toThrow();
      } else {
        expect(() => synth(document)).toThrow(/has \d+ problems?:/);
      }
    }), { numRuns: 40 });
    // Both verdicts must be exercised, or the property says nothing.
    expect(accepted).toBeGreaterThan(5);
    expect(accepted).toBeLessThan(40);
  }, 300_000);
});
