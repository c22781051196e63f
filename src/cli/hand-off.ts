// The CLI's `hand-off` command: it walks a template tenant to the control plane's store without an
// interruption (docs/control-plane.md, "A template tenant to the store, without an interruption").
// On the tenants file (pure over its text, like `move`) it sets `handOff` a stage at a time, each
// stage one deploy; with `--store` it adds the tenant to the store, adopting the distribution tenant
// the template made for it. main.ts does the I/O.
import { assess, EditResult, fileProblems, planSettings, problemList, unknownTenant } from './commands';
import { StoreLocation } from './control-plane';
import { canonicalTenant, formatRegistry, lineEnding, parseRegistry } from './registry-file';
import { DistributionTenantInfo, EdgeLookup, isGatewayName } from './status';
import { addToStore } from './store-tenants';
import { Quotas } from '../quotas/quotas';
import { tenantProblems, TenantProps } from '../tenants/tenants';

/**
 * `hand-off <id>`: a tenant without `handOff` gets "prepare"; at "prepare" it gets "store". At
 * "store" the template side is done, and it is refused. Every other tenant keeps its entry. Refuses,
 * in one error, what the tenants file's rules and the plan refuse of the result.
 */
export function handOffTenant(text: string, source: string, id: string, overrides: Quotas): EditResult {
  const file = parseRegistry(text, source);
  const index = file.tenants.findIndex(t => t.id === id);
  if (index < 0) throw new Error(unknownTenant(source, id, file.tenants));
  const tenant = file.tenants[index];
  if (tenant.handOff === 'store') {
    throw new Error(`tenant "${id}" is at \`handOff\` "store" already: the hand-off is done on the template side (deploy it, if you have not). ` +
      'Keep its entry while the store serves the tenant: it holds the tenant\'s DNS records');
  }
  const stage = tenant.handOff === 'prepare' ? 'store' : 'prepare';
  const tenants = file.tenants.map((t, i) => (i === index ? { ...t, handOff: stage } : t));
  const result = { ...file, tenants };
  const problems = [...tenantProblems(tenants), ...fileProblems(result, assess(tenants, planSettings(result, overrides)))];
  if (problems.length > 0) throw new Error(`Cannot hand off tenant "${id}": ${problemList('it', problems)}`);

  const written = formatRegistry(result, lineEnding(text));
  if (stage === 'prepare') {
    return {
      text: written,
      messages: [`Tenant "${id}" is handed to the control plane in three steps; this is the first. Deploy it: its distribution tenant ` +
        'gets a Retain deletion policy and nothing else changes, so that it keeps serving when the template lets it go.'],
      next: [
        { why: 'Check the file, commit it, then deploy', cli: 'validate' },
        { why: 'After the deploy, add it to the control plane\'s store, which adopts its distribution tenant', cli: `hand-off ${id} --store --stack-name <stack>` },
      ],
    };
  }
  return {
    text: written,
    messages: [`Tenant "${id}" leaves the template at the next deploy: CloudFormation keeps its distribution tenant, serving as before, ` +
      'and the template keeps only its DNS records, so keep its entry while the store serves it. Add it to the store first ' +
      `(\`hand-off ${id} --store\`), if you have not: then the store manages the distribution tenant the moment the template lets it go.`],
    next: [{ why: 'Check the file, commit it, then deploy', cli: 'validate' }],
  };
}

/** What the store was given, for the command to report. */
export interface StoreHandOff {
  /** The tenant as written to the store. */
  readonly tenant: TenantProps;
  /** The distribution tenant the store adopts. */
  readonly adopted: DistributionTenantInfo;
  /** The tenant's `handOff` in the tenants file: "prepare" or "store". */
  readonly stage: string;
  /** The store's table. */
  readonly table: string;
}

/**
 * `hand-off <id> --store`: the tenant, at `handOff` "prepare" or "store" in the tenants file, goes
 * to the store (through `add --store`'s checks, claims and queue) with the distribution tenant that
 * serves its first domain to adopt; refused, before anything is written, unless that distribution
 * tenant bears the gateway's name for the tenant.
 */
export async function handOffToStore(text: string, source: string, id: string, overrides: Quotas, edge: EdgeLookup,
  where: () => Promise<StoreLocation>): Promise<StoreHandOff> {
  const file = parseRegistry(text, source);
  const tenant = file.tenants.find(t => t.id === id);
  if (tenant === undefined) throw new Error(unknownTenant(source, id, file.tenants));
  if (tenant.handOff !== 'prepare' && tenant.handOff !== 'store') {
    throw new Error(`Cannot hand off tenant "${id}" to the store: it has no \`handOff\` in ${source}. Run \`hand-off ${id}\` and deploy ` +
      'first ("prepare"), so that the template keeps its distribution tenant serving when it lets it go');
  }
  const problems = fileProblems(file, assess(file.tenants, planSettings(file, overrides)));
  if (problems.length > 0) throw new Error(`${problemList(source, problems)}\nFix them (run \`validate\`) first.`);
  const store = await where();
  if (store.queueUrl === undefined) throw new Error('`hand-off --store` needs --queue-url (the reconciler\'s queue) or --stack-name, to queue the tenant');

  // CloudFront associates a domain with one resource at a time, so the first domain names the distribution tenant.
  const domain = tenant.domainNames[0];
  const adopted = await edge.tenantByDomain(domain);
  const prefix = file.settings?.tenantNamePrefix;
  const name = `"${prefix ?? '<tenantNamePrefix>'}${id}"`;
  if (adopted === undefined) {
    throw new Error(`Cannot hand off tenant "${id}" to the store: no distribution tenant serves ${domain} (the gateway makes ${name} ` +
      'when it deploys the tenant)');
  }
  if (!isGatewayName(adopted.name, id, prefix)) {
    throw new Error(`Cannot hand off tenant "${id}" to the store: ${domain} is served by distribution tenant "${adopted.name}" (${adopted.id}) ` +
      `of ${adopted.distributionId}, not by the gateway's ${name}` +
      (prefix === undefined ? ' (record the gateway\'s `tenantNamePrefix` in `settings.tenantNamePrefix` to have the name checked exactly)' : ''));
  }
  const stored = storeTenant(tenant, adopted.id);
  await addToStore(stored, overrides, store);
  return { tenant: stored, adopted, stage: tenant.handOff, table: store.table };
}

/**
 * The store's tenant for a template tenant handed off: its entry without `shard` and `handOff`,
 * with `externalDns` (the template keeps its records) and the distribution tenant to adopt. A tenant
 * whose DNS the gateway hosted keeps "cloudfront" validation: its names point at CloudFront, and
 * with `externalDns` the store would otherwise request a later certificate "self-hosted".
 */
export function storeTenant(tenant: TenantProps, distributionTenantId: string): TenantProps {
  return JSON.parse(JSON.stringify(canonicalTenant({
    ...tenant,
    shard: undefined,
    handOff: undefined,
    externalDns: true,
    certificateValidation: tenant.certificateValidation ?? (tenant.externalDns ? undefined : 'cloudfront'),
    adoptFrom: { distributionTenantId },
  })));
}
