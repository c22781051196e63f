import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BuiltCell, buildLocalCell, CellBinding, CellSite } from './cell-binding';
import { FleetBinding, FleetCheckSite } from './fleet-binding';
import { AttachedAccess, OriginAccessBinding } from './origin-access-binding';
import { show } from '../../private/problems';
import { isDomainName } from '../../tenants/tenants';

/** A load balancer and fleet of its own in the gateway's stack, under the construct `<name>`. */
export class FleetCellBinding implements CellBinding {
  public readonly ownLoadBalancer = true;

  constructor(public readonly name: string, private readonly fleet: FleetBinding | undefined) {}

  public problems(_access: OriginAccessBinding, site: FleetCheckSite): string[] {
    if (!this.fleet) return [`cell "${this.name}": Cell.withFleet needs \`fleet\`, the app that serves its tenants`];
    return this.fleet.problems(site).map(problem => `cell "${this.name}": ${problem}`);
  }

  public build(scope: Construct, site: CellSite): BuiltCell {
    return buildLocalCell(new Construct(scope, this.name), this.name, this.fleet!, site);
  }
}

/** An HTTPS origin elsewhere, reached with the gateway's secret header. */
export class HttpsOriginCellBinding implements CellBinding {
  public readonly ownLoadBalancer = false;

  constructor(public readonly name: string, private readonly domainName: string) {}

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

  public build(_scope: Construct, _site: CellSite, defaultAccess: AttachedAccess): BuiltCell {
    return {
      name: this.name,
      domainName: this.domainName,
      originFor: () => defaultAccess.originTo(this.domainName)!,
    };
  }
}
