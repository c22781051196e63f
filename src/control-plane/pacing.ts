// The reconciler's pace: a token bucket per API, so its calls stay within the account's rates
// instead of running into throttling and backing off. CloudFront publishes no rate for its
// control-plane API ("Quotas", CloudFront Developer Guide,
// https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html, lists
// resource quotas only), so its pace is a setting; Route 53 allows 10 requests a second for the
// whole account ("Throttling for Amazon Route 53 API requests", Route 53 Developer Guide,
// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html), which the
// reconciler shares with CloudFormation and every other tool, so it takes half by default. A
// retried call takes a token again. At most CONCURRENT_PASSES passes run at once, each at its
// share of the rate. Pure over a clock, so tests and the simulation run it without waiting; it
// imports no SDK client.

/** A rate: `perSecond` tokens a second, at most `burst` saved up. */
export interface Rate {
  readonly perSecond: number;
  readonly burst: number;
}

/** The reconciler's pace, unless set: CloudFront 5 calls a second (burst 10), Route 53 5 (burst 10). */
export const DEFAULT_CLOUDFRONT_PER_SECOND = 5;
export const DEFAULT_ROUTE53_PER_SECOND = 5;

/** A rate's burst: two seconds' worth, at least one call. */
export function rateOf(perSecond: number): Rate {
  return { perSecond, burst: Math.max(1, Math.floor(2 * perSecond)) };
}

/** The reconciler's environment variables holding the rates. */
export const CLOUDFRONT_RATE_VARIABLE = 'CLOUDFRONT_PER_SECOND';
export const ROUTE53_RATE_VARIABLE = 'ROUTE53_PER_SECOND';

/**
 * Passes that run at once: the queue's event source invokes the reconciler at most this often
 * together, its maximum concurrency, whose least is 2 ("ScalingConfig", AWS Lambda API Reference,
 * https://docs.aws.amazon.com/lambda/latest/dg/API_ScalingConfig.html). Without it, an event
 * source receives more messages than a function of reserved concurrency 1 takes, and the throttled
 * ones come back to the queue, counted as received, on their way to its dead-letter queue
 * ("Configuring scaling behavior for SQS event source mappings", AWS Lambda Developer Guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html).
 */
export const CONCURRENT_PASSES = 2;

/** One pass's pace: its share of the rate from the environment variable (the default when absent). */
export function passRate(value: string | undefined, fallback: number): Rate {
  const perSecond = Number(value); // NaN when absent, 0 when empty: both fall back
  return rateOf((Number.isFinite(perSecond) && perSecond > 0 ? perSecond : fallback) / CONCURRENT_PASSES);
}

/** The tenants of a page: `sync` queues them so, and the drift sweep too. */
export const PAGE_TENANTS = 100;

/** The slowest pace a pass over a page fits Lambda's 15 minutes at (see reconcilerTimeoutSeconds). */
const SLOWEST = 1;

/**
 * The reconciler's timeout at a CloudFront pace: a full pass reads each tenant of a page and its
 * certificate (2 calls a tenant) at its share of the pace, and may take as long again for its
 * actions; at least a minute, at most Lambda's 15 ("Lambda quotas", AWS Lambda Developer Guide,
 * https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). 160 s at 5 calls a second.
 */
export function reconcilerTimeoutSeconds(cloudFrontPerSecond: number): number {
  return Math.min(900, Math.max(60, Math.ceil(4 * PAGE_TENANTS / (cloudFrontPerSecond / CONCURRENT_PASSES))));
}

/** The problem with a rate given as a prop, in the user's terms; none when it is a number from 1 to 100. */
export function rateProblems(perSecond: number | undefined, prop: string): string[] {
  if (perSecond === undefined) return [];
  return Number.isFinite(perSecond) && perSecond >= SLOWEST && perSecond <= 100 ? []
    : [`\`${prop}\` ${perSecond} must be from ${SLOWEST} to 100 calls a second (slower, a pass over a page of ${PAGE_TENANTS} tenants ` +
      'would not fit the reconciler\'s longest timeout, 15 minutes)'];
}

export interface Clock {
  /** Milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** One API's token bucket: `take` waits until a call may go. */
export class Pacer {
  private tokens: number;
  private at: number;

  constructor(private readonly rate: Rate, private readonly clock: Clock) {
    this.tokens = rate.burst;
    this.at = clock.now();
  }

  /** Takes a token, waiting while the bucket is in debt for it (the wait pays the debt off). */
  public async take(): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0) await this.clock.sleep(Math.ceil(-this.tokens / this.rate.perSecond * 1000));
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock set back (the system's time corrected) refills nothing.
    this.tokens = Math.min(this.rate.burst, this.tokens + Math.max(0, now - this.at) / 1000 * this.rate.perSecond);
    this.at = now;
  }
}
