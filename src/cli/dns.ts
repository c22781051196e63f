// The `dns` command as a pure function over the tenants file and the outputs file: the records a
// partner with `externalDns` creates, from the tenant's shard (placed exactly as the gateway
// places it) and that shard's DNS target (from the gateway's stack outputs).
import { assess, fileProblems, planSettings, problemList, table, unknownTenant } from './commands';
import { asStackOutputs } from './outputs';
import { parseRegistry } from './registry-file';
import { certificateValidationOf, SELF_HOSTED_VALIDATION } from '../edge/certificate-validation';
import { findDnsTargets, GatewayDnsTargets } from '../edge/dns-outputs';
import { Quotas } from '../quotas/quotas';

/** Which gateway's outputs to read when the outputs file has several. */
export interface DnsSelection {
  readonly stack?: string;
  readonly gateway?: string;
}

/** One record the partner creates. */
export interface PartnerRecord {
  /** "CNAME", or "ALIAS" at a zone apex (an ALIAS, ANAME or flattened CNAME, as the DNS provider calls it). */
  readonly type: string;
  readonly name: string;
  /** The name it points at; undefined when no template knows it (the account's default connection group). */
  readonly value?: string;
}

/** What the partner does for one tenant. */
export interface DnsInstructions {
  readonly tenant: string;
  readonly shard: number;
  readonly edge: string;
  readonly externalDns: boolean;
  /** The gateway's outputs read, as `stack/gateway`; none when the gateway makes the records. */
  readonly outputs?: string;
  readonly target?: string;
  readonly records: PartnerRecord[];
  /** The domains that are their zone's apex, where no CNAME may be. */
  readonly apexDomains: string[];
  /** What else to know, in order: apex options, certificate validation. */
  readonly notes: string[];
}

/**
 * Where the gateway's stack outputs are: `read` gives the parsed document (`cdk deploy
 * --outputs-file` or `aws cloudformation describe-stacks` output); undefined when none was given.
 */
export interface OutputsSource {
  readonly source: string;
  read(): unknown;
}

/**
 * The records tenant `id` needs. The outputs (the `cdk deploy --outputs-file` document) are read
 * only when the partner hosts the tenant's DNS. Throws for an unknown tenant, an invalid tenants
 * file, and outputs that lack this gateway's DNS targets or come from another gateway.
 */
export function dnsInstructions(text: string, source: string, id: string, overrides: Quotas,
  outputs: OutputsSource | undefined, select: DnsSelection = {}): DnsInstructions {
  const file = parseRegistry(text, source);
  const tenant = file.tenants.find(t => t.id === id);
  if (tenant === undefined) {
    throw new Error(unknownTenant(source, id, file.tenants));
  }
  const settings = planSettings(file, overrides);
  const plan = assess(file.tenants, settings);
  const problems = fileProblems(file, plan);
  if (problems.length > 0) {
    throw new Error(`${problemList(source, problems)}\nFix them (run \`validate\`) first: the gateway would not deploy this file.`);
  }
  const shard = plan.placements.find(p => p.tenantId === id)!.shard;
  const base = { tenant: id, shard, edge: settings.edge.name, externalDns: tenant.externalDns === true };

  if (!tenant.externalDns) {
    return {
      ...base,
      records: [],
      apexDomains: [],
      notes: [`The gateway hosts the DNS of tenant "${id}": it makes the ` +
        `${settings.edge.recordTypes.join(' and ')} records of ${tenant.domainNames.join(', ')} in its hosted zone. The partner needs to do nothing.`],
    };
  }
  if (outputs === undefined) {
    throw new Error(`Tenant "${id}" hosts its own DNS: give the gateway's stack outputs, in one of three ways:\n` +
      '  --stack-name <stack>   asks CloudFormation, with your AWS credentials\n' +
      '  --outputs <file>       a file from `cdk deploy --outputs-file <file>`\n' +
      '  --outputs <file>       a file from `aws cloudformation describe-stacks --stack-name <stack> > <file>`');
  }

  const gateway = chooseGateway(findDnsTargets(asStackOutputs(outputs.read())), outputs.source, select);
  const where = `${gateway.stack}/${gateway.gateway}`;
  if (gateway.edge !== settings.edge.name) {
    throw new Error(`${outputs.source}: the outputs of ${where} are of a gateway with "${gateway.edge}", but ${source} is planned with ` +
      `"${settings.edge.name}": they come from another gateway (choose it with --stack), or \`settings.edge\` is wrong`);
  }
  if (!gateway.shards.has(shard)) {
    throw new Error(`${outputs.source}: the outputs of ${where} have no DNS target for shard ${shard}, where tenant "${id}" is placed ` +
      `(they have shards ${[...gateway.shards.keys()].sort((a, b) => a - b).join(', ')}). Either they come from another gateway, ` +
      'or the tenant\'s shard was not deployed yet: deploy, then run this again');
  }
  const target = gateway.shards.get(shard) ?? undefined;
  const apexDomains = tenant.domainNames.filter(isApex);
  const records = tenant.domainNames.map((name): PartnerRecord => ({ type: isApex(name) ? 'ALIAS' : 'CNAME', name, value: target }));
  const shown = target ?? 'the routing endpoint of the account\'s default connection group';
  const notes: string[] = [];
  if (target === undefined) {
    notes.push('The tenant is on the account\'s default connection group, whose routing endpoint no template knows: ' +
      'read it in the CloudFront console (Connection groups) and use it as the value.');
  }
  apexDomains.forEach(apex => notes.push(apexNote(apex, tenant.domainNames, shown, settings.edge.distributionTenants)));
  if (records.some(r => r.type === 'CNAME')) {
    notes.push('A name with two labels (example.com) is taken to be its zone\'s apex. If another name above is the apex of the partner\'s ' +
      'zone (as example.co.uk is), a CNAME is not allowed there either: use the apex options.');
  }
  if (settings.edge.distributionTenants) notes.push(validationNote(certificateValidationOf(tenant)));
  return { ...base, outputs: where, target, records, apexDomains, notes };
}

/** The instructions as lines of text: a table of records, then the notes. */
export function formatInstructions(instructions: DnsInstructions): string[] {
  if (!instructions.externalDns) return instructions.notes;
  const header = `Tenant "${instructions.tenant}" (shard ${instructions.shard}, outputs of ${instructions.outputs}): ` +
    'the partner creates these records at their DNS provider:';
  const rows = instructions.records.map(r => [r.type, r.name, r.value ?? '<routing endpoint of the default connection group>']);
  return [header, '', ...table(['TYPE', 'NAME', 'VALUE'], rows), ...instructions.notes.flatMap(note => ['', note])];
}

function chooseGateway(found: GatewayDnsTargets[], source: string, select: DnsSelection): GatewayDnsTargets {
  const matching = found.filter(g => (select.stack === undefined || g.stack === select.stack)
    && (select.gateway === undefined || g.gateway === select.gateway));
  const name = (g: GatewayDnsTargets) => `${g.stack}/${g.gateway}`;
  if (matching.length === 0) {
    const chosen = [select.stack && `stack "${select.stack}"`, select.gateway && `gateway "${select.gateway}"`].filter(Boolean).join(', ');
    throw new Error(`${source} has no gateway DNS targets${chosen ? ` for ${chosen}` : ''} (outputs named <gateway>DnsTargets<n>)` +
      (found.length > 0 ? `; it has ${found.map(name).join(', ')}` : '; write it with `cdk deploy --outputs-file`, after a deploy ' +
        'of a gateway in a top-level stack (nested stacks\' outputs are not written)'));
  }
  if (matching.length > 1) {
    const stacks = new Set(matching.map(g => g.stack));
    throw new Error(`${source} has the outputs of ${matching.length} gateways (${matching.map(name).join(', ')}); ` +
      `choose one with ${stacks.size > 1 ? '--stack <stack>' : '--gateway <id>'}`);
  }
  return matching[0];
}

/** A two-label name (example.com) is a zone apex for certain; longer ones may be too, which the notes say. */
function isApex(domain: string): boolean {
  return domain.split('.').length === 2;
}

/**
 * When the records may be made. The CLI cannot tell which tenant certificates the gateway uses, so
 * the note names the one kind that validates per tenant. The validation method applies to the
 * first request only: once the names point at CloudFront, it renews the certificate itself.
 */
function validationNote(validation: string): string {
  const managed = `With CloudFront-managed tenant certificates (\`TenantCertificate.cloudFrontManaged()\`), certificate validation is "${validation}"`;
  if (validation === SELF_HOSTED_VALIDATION) {
    return `${managed} (the default for a tenant with \`externalDns\`): until CloudFront has issued the tenant's certificate, keep these ` +
      'names on the partner\'s current server, which must serve the validation token under /.well-known/pki-validation/. Create the ' +
      'records above once the certificate is issued (the distribution tenant shows it). Leave `certificateValidation` as it is: it ' +
      'only decides how the first certificate is validated, and once the names point at CloudFront it renews the certificate itself.';
  }
  return `${managed}: CloudFront issues the tenant's certificate once the records above resolve to it; until then HTTPS to these ` +
    'names fails. To keep them served meanwhile, set `certificateValidation` to "self-hosted" (or remove it) before the first deploy.';
}

function apexNote(apex: string, domains: readonly string[], target: string, multiTenant: boolean): string {
  const www = `www.${apex}`;
  const options = [
    `an ALIAS, ANAME or flattened CNAME record to ${target}, if their DNS provider offers one` +
      (multiTenant ? '' : ' (in Route 53: alias A and AAAA records to the CloudFront distribution)'),
    `a redirect from ${apex} to ${www} at their current web host, with ${www} ${domains.includes(www) ? 'served here (it is)' : 'added to the tenant\'s domainNames'}`,
  ];
  if (multiTenant) {
    options.push('A records to the static IPs of an Anycast static IP list attached to the gateway\'s connection group ' +
      '(a list has 3 or 21 IPs, 3 being meant for apex names; lists are a CloudFront quota per account that AWS grants on request, ' +
      'and they are billed on their own)');
  }
  return `${apex} is its zone's apex, where DNS allows no CNAME. The partner chooses one of:\n${options.map(o => `  - ${o}`).join('\n')}`;
}
