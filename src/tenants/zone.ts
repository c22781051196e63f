// Whether tenant domains lie in the hosted zone: one check for the gateway at synth time and the
// CLI (`validate`, `add`), so CI refuses exactly what synth would. Pure: no aws-cdk-lib.
import { TenantProps } from './tenants';

/** True when a domain is the zone's apex or inside it. */
export function isInZone(domain: string, zoneName: string): boolean {
  const zone = zoneName.replace(/\.$/, '').toLowerCase();
  return domain === zone || domain.endsWith(`.${zone}`);
}

/** One problem per domain of a tenant whose DNS the gateway hosts that lies outside the zone. */
export function zoneProblems(tenants: readonly TenantProps[], zoneName: string): string[] {
  return tenants.filter(t => !t.externalDns).flatMap(tenant => tenant.domainNames.flatMap((domain, d) => isInZone(domain, zoneName) ? [] : [
    `tenant "${tenant.id}": \`domainNames[${d}]\` "${domain}" is outside the hosted zone "${zoneName}";` +
    ' use a name inside it, or set `externalDns: true` if the partner hosts its DNS',
  ]));
}
