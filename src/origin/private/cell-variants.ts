import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BuiltCell, buildLocalCell, CellBinding, CellSite } from './cell-binding';
import { cellOriginShieldRegion } from './cell-origin-shield';
import { FleetBinding, FleetCheckSite } from './fleet-binding';
import { AttachedAccess, OriginAccessBinding } from './origin-access-binding';
import { regionOfAwsDomain } from '../../edge/origin-shield-regions';
import { OriginShieldBinding } from '../../edge/private/origin-shield-binding';
import { show } from '../../private/problems';
import { isDomainName } from '../../tenants/tenants';

/** A load balancer and fleet of its own in the gateway's stack, under the construct `<name>`. */
export class FleetCellBinding implements CellBinding {
  public readonly ownLoadBalancer = true;

  constructor(public readonly name: string, private readonly fleet: FleetBinding | undefined,
    public readonly originShield?: OriginShieldBinding) {}

  public problems(_access: OriginAccessBinding, site: FleetCheckSite): string[] {
    if (!this.fleet) return [`cell "${this.name}": Cell.withFleet needs \`fleet\`, the app that serves its tenants`];
    return this.fleet.problems(site).map(problem => `cell "${this.name}": ${problem}`);
  }

  public build(scope: Construct, site: CellSite): BuiltCell {
    // Its load balancer is in the gateway's region, where the gateway's own Origin Shield is.
    const originShieldRegion = cellOriginShieldRegion(this.originShield, undefined, site.originShieldRegion, Stack.of(scope).region);
    return buildLocalCell(new Construct(scope, this.name), this.name, this.fleet!, { ...site, originShieldRegion });
  }
}

/** An HTTPS origin elsewhere, reached with the gateway's secret header. */
export class HttpsOriginCellBinding implements CellBinding {
  public readonly ownLoadBalancer = false;

  constructor(public readonly name: string, private readonly domainName: string, public readonly originShield?: OriginShieldBinding) {}

  public problems(access: OriginAccessBinding): string[] {
    const problems: string[] = [];
    const domain: unknown = this.domainName;
    if (typeof domain !== 'string' || (!Token.isUnresolved(domain) && !isDomainName(domain))) {
      problems.push(`cell "${this.name}": \`domainName\` ${show(domain)} must be a lower-case fully qualified domain name, such as a load balancer's DNS name`);
    }
    if (access.usesVpcOrigins) {
      problems.push(`cell "${this.name}" is an HTTPS origin elsewhere, which CloudFront reaches over the internet with the gateway's secret header; ` +
        'give the gateway `originAccess: OriginAccess.secretHeader()` (a VPC origin reaches only load balancers in the gateway\'s VPC)');
    }
    return problems;
  }

  public build(scope: Construct, site: CellSite, defaultAccess: AttachedAccess): BuiltCell {
    const originRegion = Token.isUnresolved(this.domainName) ? undefined : regionOfAwsDomain(this.domainName);
    const originShieldRegion = cellOriginShieldRegion(this.originShield, originRegion, site.originShieldRegion, Stack.of(scope).region);
    return {
      name: this.name,
      domainName: this.domainName,
      originFor: () => defaultAccess.originTo(this.domainName, originShieldRegion)!,
    };
  }
}
