// What `status` asks CloudFront, with the user's credentials: the EdgeLookup of status.ts.
import type * as CloudFront from '@aws-sdk/client-cloudfront';
import { loadCloudFront } from './sdk';
import { DistributionInfo, DistributionTenantInfo, DomainHolder, EdgeLookup } from '../status';

/** An EdgeLookup over a CloudFront client (CloudFront is global: the client's region does not matter). */
export function cloudFrontLookup(command: string): EdgeLookup & { close(): void } {
  const sdk = loadCloudFront(command);
  const client = new sdk.CloudFrontClient({ region: 'us-east-1' });
  return { ...lookupOver(sdk, client), close: () => client.destroy() };
}

/** The lookup over a given SDK module and client; tests pass a mocked client. */
export function lookupOver(sdk: typeof CloudFront, client: CloudFront.CloudFrontClient): EdgeLookup {
  let distributions: Promise<Map<string, DistributionInfo>> | undefined;
  return {
    distributionByDomainName: async domainName => {
      distributions ??= listDistributions(sdk, client);
      return (await distributions).get(domainName.replace(/\.$/, '').toLowerCase());
    },
    domainHolders: async (domain, distributionId) => {
      const holders: DomainHolder[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(new sdk.ListDomainConflictsCommand({
          Domain: domain, DomainControlValidationResource: { DistributionId: distributionId }, Marker: marker,
        }));
        for (const c of page.DomainConflicts ?? []) {
          holders.push({ resourceType: c.ResourceType ?? 'resource', resourceId: c.ResourceId ?? '?', accountId: c.AccountId });
        }
        marker = page.NextMarker || undefined;
      } while (marker !== undefined);
      return holders;
    },
    tenantByDomain: async domain => {
      let tenant: CloudFront.DistributionTenant | undefined;
      try {
        tenant = (await client.send(new sdk.GetDistributionTenantByDomainCommand({ Domain: domain }))).DistributionTenant;
      } catch (e) {
        if (e instanceof sdk.EntityNotFound) return undefined;
        throw e;
      }
      if (tenant === undefined) return undefined;
      const info: DistributionTenantInfo = {
        id: tenant.Id ?? '?',
        name: tenant.Name ?? '',
        distributionId: tenant.DistributionId ?? '?',
        status: tenant.Status ?? 'unknown',
        domainStatus: tenant.Domains?.find(d => d.Domain === domain)?.Status,
        certificateArn: tenant.Customizations?.Certificate?.Arn,
      };
      return info;
    },
    managedCertificateStatus: async tenantId => {
      try {
        const answer = await client.send(new sdk.GetManagedCertificateDetailsCommand({ Identifier: tenantId }));
        return answer.ManagedCertificateDetails?.CertificateStatus;
      } catch (e) {
        if (e instanceof sdk.EntityNotFound) return undefined;
        throw e;
      }
    },
  };
}

/** Every standard distribution of the account, by its domain name, from all pages of ListDistributions. */
async function listDistributions(sdk: typeof CloudFront, client: CloudFront.CloudFrontClient): Promise<Map<string, DistributionInfo>> {
  const byName = new Map<string, DistributionInfo>();
  let marker: string | undefined;
  do {
    const list = (await client.send(new sdk.ListDistributionsCommand({ Marker: marker }))).DistributionList;
    for (const d of list?.Items ?? []) {
      if (d.DomainName === undefined || d.Id === undefined) continue;
      byName.set(d.DomainName.toLowerCase(), {
        id: d.Id,
        status: d.Status ?? 'unknown',
        aliases: d.Aliases?.Items ?? [],
        certificateArn: d.ViewerCertificate?.ACMCertificateArn,
      });
    }
    marker = list?.IsTruncated ? list.NextMarker : undefined;
  } while (marker !== undefined);
  return byName;
}
