import type { Fleet } from './fleet';
import type { OriginShield } from '../edge/origin-shield';
import { CellBinding } from './private/cell-binding';
import { FleetCellBinding, HttpsOriginCellBinding } from './private/cell-variants';

/** Options for `Cell.withFleet`. */
export interface FleetCellOptions {
  /** The app of this cell, as for the gateway's own `fleet`. */
  readonly fleet: Fleet;

  /**
   * Origin Shield in front of this cell's load balancer, in a region of its own (sharded
   * distributions only: a multi-tenant distribution has one origin for every cell).
   * @default - the gateway's `originShield`, if any (the load balancer is in the gateway's region)
   */
  readonly originShield?: OriginShield;
}

/** Options for `Cell.fromHttpsOrigin`. */
export interface HttpsOriginCellOptions {
  /**
   * The origin's domain name, e.g. the DNS name of a load balancer in another region or account.
   * CloudFront reaches it over HTTPS on 443 with the viewer's Host, so it must present a
   * certificate for every domain of its tenants; it gets the gateway's secret header
   * (`OriginAccess.secretHeader`) and must refuse requests without it.
   */
  readonly domainName: string;

  /**
   * Origin Shield in front of this origin, in a region of its own (sharded distributions only:
   * a multi-tenant distribution has one origin for every cell).
   * @default - when the gateway has `originShield`: the Origin Shield region AWS recommends for the origin's region if its domain name tells it (an AWS endpoint such as `name.eu-west-3.elb.amazonaws.com`), else the gateway's
   */
  readonly originShield?: OriginShield;
}

/**
 * A cell: a named origin that tenants choose with their `cell` field, besides the gateway's own
 * load balancer and `fleet` (the cell named "default"). With sharded distributions a shard serves
 * one cell; with a multi-tenant distribution, each distribution tenant of a cell sets the origin
 * domain parameter to its cell's.
 */
export abstract class Cell {
  /**
   * A load balancer with a fleet of its own in the gateway's stack and VPC, built as the
   * gateway's own: the same HTTPS listener and certificates, security group and origin access.
   *
   * @param name lower-case letters, digits and hyphens, not "default"
   */
  public static withFleet(name: string, options: FleetCellOptions): Cell {
    return new WithFleet(name, options);
  }

  /**
   * An HTTPS origin the gateway does not make, such as a load balancer in another region or
   * account. CloudFront sends it the gateway's secret header, so the gateway's `originAccess`
   * must be `OriginAccess.secretHeader()`, and the origin must forward only requests that carry
   * that header with the secret's value (as the gateway's own listener does).
   *
   * @param name lower-case letters, digits and hyphens, not "default"
   */
  public static fromHttpsOrigin(name: string, options: HttpsOriginCellOptions): Cell {
    return new FromHttpsOrigin(name, options);
  }

  /** The cell's name, as tenants give it in `cell`. */
  public readonly name: string;

  protected constructor(name: string) {
    this.name = name;
  }

  /** @internal */
  public abstract _bind(): CellBinding;
}

class WithFleet extends Cell {
  constructor(name: string, private readonly options: FleetCellOptions) {
    super(name);
  }

  public _bind(): CellBinding {
    return new FleetCellBinding(this.name, this.options.fleet?._bind(), this.options.originShield?._bind());
  }
}

class FromHttpsOrigin extends Cell {
  constructor(name: string, private readonly options: HttpsOriginCellOptions) {
    super(name);
  }

  public _bind(): CellBinding {
    return new HttpsOriginCellBinding(this.name, this.options.domainName, this.options.originShield?._bind());
  }
}
