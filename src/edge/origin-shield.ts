import { OriginShieldBinding } from './private/origin-shield-binding';

/**
 * CloudFront Origin Shield: one more caching layer, in one AWS Region, in front of the origin.
 * Every regional edge cache asks the shield instead of the origin, so an object is fetched from
 * the origin once rather than once per regional edge cache. It is billed per request that
 * reaches the shield (about $0.0075–0.0090 per 10,000 requests, by region), on top of the usual
 * CloudFront charges; it pays off when many regions request the same objects.
 */
export abstract class OriginShield {
  /** Origin Shield in the stack's region (which must be known at synth time). */
  public static inStackRegion(): OriginShield {
    return new InRegion();
  }

  /**
   * Origin Shield in a region of your choice: the one with Origin Shield that is nearest the
   * load balancer (e.g. `eu-central-1` for a load balancer in `eu-north-1`).
   */
  public static inRegion(region: string): OriginShield {
    return new InRegion(region);
  }

  /** @internal */
  public abstract _bind(): OriginShieldBinding;
}

class InRegion extends OriginShield {
  constructor(private readonly region?: string) {
    super();
  }

  public _bind(): OriginShieldBinding {
    return { region: this.region };
  }
}
