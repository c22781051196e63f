// A simulated AWS account for the control plane: CloudFront SaaS Manager (distribution tenants,
// managed certificates, UpdateDomainAssociation), Route 53 (change batches, PENDING then INSYNC)
// on a simulated clock, refusing what AWS refuses and throttling as AWS documents.
import { LIST_PAGE_SIZE, NotedTenant, planObservation, settledFingerprint } from '../../../src/control-plane/observation';
import { Action, BatchLimits, DesiredTenant, ObservedState, ROUTE53_BATCH_LIMITS, settingsOf, TenantStatus } from '../../../src/control-plane/reconcile';

/** A token bucket: `burst` tokens at most, refilled at `rate` a second. */
export interface Bucket { readonly rate: number; readonly burst: number }

export interface SimSettings {
  /**
   * Route 53, all APIs of the account together: 10 requests a second, a burst of 50, since
   * 2026-07-30 (5 a second before) ("Throttling for Amazon Route 53 API requests", Route 53
   * Developer Guide, https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html).
   */
  readonly route53Requests: Bucket;
  /**
   * Route 53's change throughput (record changes a second, all change APIs together): the same
   * page introduces it; its figures are a setting here (default 1,000 a second, burst 5,000).
   */
  readonly route53Changes: Bucket;
  /**
   * CloudFront's control-plane API rate (CreateDistributionTenant, UpdateDistributionTenant,
   * UpdateDomainAssociation, List/Get...): AWS publishes no figure ("Quotas", CloudFront Developer
   * Guide, https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cloudfront-limits.html,
   * lists resource quotas only), so it is a setting (default 5 a second, burst 10).
   */
  readonly cloudFrontRequests: Bucket;
  /** How long a distribution tenant is "InProgress" after a change (not published: a setting). */
  readonly tenantDeploySeconds: number;
  /** How long a change batch is PENDING before INSYNC (Route 53: "generally within 60 seconds"). */
  readonly dnsPropagationSeconds: number;
  /** How long a managed certificate takes to issue once it can validate (a setting). */
  readonly certificateSeconds: number;
  readonly batchLimits: BatchLimits;
  /**
   * Distribution tenants per ListDistributionTenants call: AWS documents `MaxItems` without a
   * maximum ("ListDistributionTenants", CloudFront API Reference,
   * https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_ListDistributionTenants.html),
   * so it is a setting (the handler's LIST_PAGE_SIZE). Each call costs a CloudFront token.
   */
  readonly listPageSize: number;
}

export const DEFAULT_SETTINGS: SimSettings = {
  route53Requests: { rate: 10, burst: 50 },
  route53Changes: { rate: 1_000, burst: 5_000 },
  cloudFrontRequests: { rate: 5, burst: 10 },
  tenantDeploySeconds: 20,
  dnsPropagationSeconds: 60,
  certificateSeconds: 120,
  batchLimits: ROUTE53_BATCH_LIMITS,
  listPageSize: LIST_PAGE_SIZE,
};

/** An error AWS would answer with, named as the SDK names it. */
export class AwsError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface SimTenant { domains: string[]; enabled: boolean; settings: string; readyAt: number }
interface SimCertificate { domains: string[]; validation: string; requestedAt: number }

class TokenBucket {
  private tokens: number;
  private at = 0;
  constructor(private readonly spec: Bucket) { this.tokens = spec.burst; }
  /** Seconds until `n` tokens are there, at `now`. */
  public wait(now: number, n: number): number {
    this.refill(now);
    return this.tokens >= n ? 0 : (n - this.tokens) / this.spec.rate;
  }
  public take(now: number, n: number): boolean {
    this.refill(now);
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }
  private refill(now: number) {
    this.tokens = Math.min(this.spec.burst, this.tokens + (now - this.at) * this.spec.rate);
    this.at = now;
  }
}

export class SimAccount {
  /** Seconds since the start. */
  public now = 0;
  public readonly calls = new Map<string, number>();
  public throttled = 0;
  /** Everything CloudFront or Route 53 refused, besides throttling. */
  public readonly refusals: string[] = [];
  public readonly settings: SimSettings;
  /** The store's statuses (the DynamoDB table, in AWS). */
  public statuses = new Map<string, TenantStatus>();
  /**
   * The store's notes (see observation.ts): the tenants the reconciler made, those whose
   * certificate it saw issued, and what the store wanted of each tenant when it was last served so.
   */
  public readonly noted = { created: new Set<string>(), issued: new Set<string>(), settled: new Map<string, string>() };
  /** Distribution tenants dropped from memory by `forget`: still on the distribution, so still listed. */
  private forgottenTenants = 0;
  private readonly tenants = new Map<string, SimTenant>();
  private readonly certificates = new Map<string, SimCertificate>();
  private readonly records = new Map<string, { value: string; syncAt: number }>();
  /** Records another writer made (a template's): the store has no note of them, so the reconciler never sees them. */
  private readonly othersRecords = new Set<string>();
  /** Which distribution tenant holds each domain (CloudFront's own index). */
  private readonly holders = new Map<string, string>();
  private readonly buckets: { route53: TokenBucket; changes: TokenBucket; cloudFront: TokenBucket };

  constructor(settings: Partial<SimSettings> = {}, private readonly failing: ReadonlySet<string> = new Set(),
    public readonly routingEndpoint = 'd111111abcdef8.cloudfront.net') {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
    this.buckets = {
      route53: new TokenBucket(this.settings.route53Requests),
      changes: new TokenBucket(this.settings.route53Changes),
      cloudFront: new TokenBucket(this.settings.cloudFrontRequests),
    };
  }

  /** Seconds a client must wait before `calls` calls (carrying `changes` record changes) would pass: what a pacing client asks. */
  public waitFor(api: 'cloudFront' | 'route53', calls: number, changes = 0): number {
    const wait = this.buckets[api].wait(this.now, calls);
    return api === 'route53' ? Math.max(wait, this.buckets.changes.wait(this.now, changes)) : wait;
  }

  /** Moves the clock on (a hair more than asked, so a token due then has arrived despite rounding). */
  public sleep(seconds: number): void { if (seconds > 0) this.now += seconds + 1e-9; }

  /** The earliest moment something eventually consistent settles, after now. */
  public nextSettle(): number | undefined {
    let next: number | undefined;
    const consider = (t: number) => { if (t > this.now && Number.isFinite(t) && (next === undefined || t < next)) next = t; };
    for (const t of this.tenants.values()) consider(t.readyAt);
    for (const r of this.records.values()) consider(r.syncAt);
    for (const c of this.certificates.values()) consider(this.issueAt(c));
    return next;
  }

  /**
   * What the reconciler reads for these tenants, as its handler does (observation.ts): nothing for
   * a tenant the store never saw made; the others with one GetDistributionTenant each, or with
   * ListDistributionTenants pages over every distribution tenant of the distribution when those
   * cost fewer calls; a managed certificate (GetManagedCertificateDetails) only until it is seen
   * issued; the records it wrote come from the store, not from Route 53. Every call costs its
   * API's tokens. `fresh` holds the tenants read (got or listed), whose first change needs no read.
   * A `full` pass (a sweep's) trusts no note: every tenant is taken as made and every certificate
   * as not seen issued, so all are read.
   */
  public observe(tenantIds: readonly string[], domains: readonly string[], desired: ReadonlySet<string> = new Set(tenantIds), full = false):
  ObservedState & { fresh: Set<string> } {
    const notes = tenantIds.map((id): NotedTenant => ({
      id,
      desired: desired.has(id),
      created: full || this.noted.created.has(id),
      certificate: !this.certificates.has(id) ? 'none' : this.noted.issued.has(id) && !full ? 'issued' : 'requested',
    }));
    const listed = this.tenants.size + this.forgottenTenants;
    const plan = planObservation(notes, listed, this.settings.listPageSize);
    if (plan.list) {
      for (let i = 0; i < Math.max(1, Math.ceil(listed / this.settings.listPageSize)); i++) this.paced('cloudFront', 'ListDistributionTenants');
    } else {
      for (let i = 0; i < plan.reads.length; i++) this.paced('cloudFront', 'GetDistributionTenant');
    }
    const names = plan.reads.filter(id => this.tenants.has(id));
    // A sweep notes a distribution tenant it found made that the store did not know of.
    if (full) for (const id of names) if (desired.has(id)) this.noted.created.add(id);
    const named = domains.filter(d => this.records.has(d) && !this.othersRecords.has(d));
    const certificates = [];
    for (const id of names) {
      const c = this.certificates.get(id);
      if (c === undefined) continue;
      if (this.noted.issued.has(id) && !full) {
        certificates.push({ tenantId: id, domains: [...c.domains], state: 'issued' as const });
        continue;
      }
      const state = this.certificateState(c);
      this.paced('cloudFront', 'GetManagedCertificateDetails');
      if (state === 'issued') this.noted.issued.add(id);
      else this.noted.issued.delete(id);
      certificates.push({ tenantId: id, domains: [...c.domains], state, ...(state === 'failed' ? { reason: 'the validation token was not found' } : {}) });
    }
    return {
      distributionTenants: names.map(name => {
        const t = this.tenants.get(name)!;
        return { name, domains: [...t.domains], enabled: t.enabled, deployed: this.now >= t.readyAt, settings: t.settings };
      }),
      certificates,
      records: named.map(name => ({ name, value: this.records.get(name)!.value, inSync: this.now >= this.records.get(name)!.syncAt })),
      statuses: tenantIds.flatMap(id => this.statuses.get(id) ?? []),
      fresh: new Set(names),
    };
  }

  /** Every tenant the account holds, besides those deleted: for the invariants. */
  public tenantNames(): string[] { return [...this.tenants.keys()]; }
  public domainsOf(name: string): string[] | undefined { return this.tenants.get(name)?.domains; }
  public enabled(name: string): boolean | undefined { return this.tenants.get(name)?.enabled; }
  public recordNames(): string[] { return [...this.records.keys()]; }
  public certificateCount(): number { return this.certificates.size; }

  /** Drops what the account holds for these tenants from memory, keeping the clock and the limits (the benchmark's window). */
  public forget(tenantIds: readonly string[], domains: readonly string[]): void {
    for (const id of tenantIds) {
      if (this.tenants.delete(id)) this.forgottenTenants++;
      this.certificates.delete(id);
      this.statuses.delete(id);
      this.noted.created.delete(id);
      this.noted.issued.delete(id);
      this.noted.settled.delete(id);
    }
    for (const d of domains) { this.records.delete(d); this.holders.delete(d); }
  }

  /**
   * Holds these tenants again as a run that made them active leaves them (distribution tenant
   * deployed and enabled, certificate issued, records INSYNC, status and notes written), for
   * tenants neither suspended nor with external DNS: the benchmark's sweep brings back, a page at
   * a time, a store too large to hold. A forgotten tenant is listed once still. No call, no time.
   */
  public restore(desired: readonly DesiredTenant[]): void {
    const past = this.now - this.settings.certificateSeconds;
    for (const d of desired) {
      const { id, domainNames, certificateValidation } = d.tenant;
      if (!this.tenants.has(id) && this.forgottenTenants > 0) this.forgottenTenants--;
      this.tenants.set(id, { domains: [...domainNames], enabled: true, settings: settingsOf(d.tenant, d.origin), readyAt: past });
      this.certificates.set(id, { domains: [...domainNames], validation: certificateValidation ?? 'cloudfront', requestedAt: past });
      for (const name of domainNames) {
        this.holders.set(name, id);
        this.records.set(name, { value: this.routingEndpoint, syncAt: past });
      }
      this.statuses.set(id, { tenantId: id, status: 'active' });
      this.noted.created.add(id);
      this.noted.issued.add(id);
      this.noted.settled.set(id, settledFingerprint(d));
    }
  }

  /**
   * Holds these tenants as the template path leaves the tenants it hands off (`handOff`): each
   * distribution tenant deployed and enabled with an issued managed certificate, its records (the
   * template's, which the store never writes) in the zone; the store knows nothing of them but that
   * a distribution tenant to adopt exists (the handler reads it on the tenant's first pass) and,
   * when `asWanted`, that it has the settings the store wants (the handler compares them on that
   * read). No call, no time.
   */
  public handOver(desired: readonly DesiredTenant[], asWanted: boolean): void {
    this.restore(desired);
    for (const { tenant } of desired) {
      if (!asWanted) this.tenants.get(tenant.id)!.settings = '';
      this.statuses.delete(tenant.id);
      this.noted.issued.delete(tenant.id);
      this.noted.settled.delete(tenant.id);
      for (const name of tenant.domainNames) this.othersRecords.add(name);
    }
  }

  /** A distribution tenant disabled behind the store's back (in the console, say): for the drift sweep's tests. */
  public disableBehindTheStore(name: string): void {
    this.get(name).enabled = false;
  }

  /** A distribution tenant deleted behind the store's back (its certificate goes with it): for the drift sweep's tests. */
  public deleteBehindTheStore(name: string): void {
    for (const d of this.get(name).domains) this.holders.delete(d);
    this.tenants.delete(name);
    this.certificates.delete(name);
  }

  /**
   * Runs one action as the handler's SDK call(s) would: a change to a distribution tenant reads it
   * first (for its ETag) unless `readFirst` is false (the pass read it and nothing changed it since).
   * Throws an AwsError as AWS would refuse it.
   */
  public apply(action: Action, readFirst = true): void {
    const read = () => { if (readFirst) this.call('cloudFront', 'GetDistributionTenant'); };
    const now = this.now;
    const deploy = now + this.settings.tenantDeploySeconds;
    switch (action.kind) {
      case 'createTenant': {
        this.call('cloudFront', 'CreateDistributionTenant');
        if (this.tenants.has(action.tenantId)) {
          this.noted.created.add(action.tenantId);
          throw this.refuse('EntityAlreadyExists', `distribution tenant ${action.tenantId} exists`);
        }
        this.claim(action.tenantId, action.domains);
        this.noted.created.add(action.tenantId);
        this.tenants.set(action.tenantId, { domains: [...action.domains], enabled: action.enabled, settings: action.settings, readyAt: deploy });
        for (const d of action.domains) this.holders.set(d, action.tenantId);
        return;
      }
      case 'updateTenant': {
        read();
        this.call('cloudFront', 'UpdateDistributionTenant');
        const t = this.get(action.tenantId);
        this.claim(action.tenantId, action.domains);
        for (const d of t.domains) this.holders.delete(d);
        for (const d of action.domains) this.holders.set(d, action.tenantId);
        Object.assign(t, { domains: [...action.domains], settings: action.settings, readyAt: deploy });
        return;
      }
      case 'requestCertificate':
        // A managed certificate is requested through the distribution tenant (one per tenant).
        read();
        this.call('cloudFront', 'UpdateDistributionTenant');
        this.get(action.tenantId);
        this.noted.issued.delete(action.tenantId);
        this.certificates.set(action.tenantId, { domains: [...action.domains], validation: action.validation, requestedAt: now });
        return;
      case 'moveDomain': {
        read();
        this.call('cloudFront', 'UpdateDomainAssociation');
        const to = this.get(action.to);
        const from = this.get(action.from);
        if (!from.domains.includes(action.domain)) throw this.refuse('EntityNotFound', `${action.domain} is not on ${action.from}`);
        const c = this.certificates.get(action.to);
        if (c === undefined || this.certificateState(c) !== 'issued' || !c.domains.includes(action.domain)) {
          throw this.refuse('InvalidArgument', `${action.to} has no issued certificate covering ${action.domain}`);
        }
        from.domains = from.domains.filter(d => d !== action.domain);
        to.domains.push(action.domain);
        this.holders.set(action.domain, action.to);
        from.readyAt = deploy;
        to.readyAt = deploy;
        return;
      }
      case 'disableTenant':
      case 'enableTenant': {
        read();
        this.call('cloudFront', 'UpdateDistributionTenant');
        const t = this.get(action.tenantId);
        t.enabled = action.kind === 'enableTenant';
        t.readyAt = deploy;
        return;
      }
      case 'deleteTenant': {
        read();
        this.call('cloudFront', 'DeleteDistributionTenant');
        const t = this.get(action.tenantId);
        if (t.enabled || now < t.readyAt) throw this.refuse('ResourceInUse', `${action.tenantId} must be disabled and deployed before it is deleted`);
        this.tenants.delete(action.tenantId);
        this.certificates.delete(action.tenantId);
        this.noted.created.delete(action.tenantId);
        this.noted.issued.delete(action.tenantId);
        for (const d of t.domains) this.holders.delete(d);
        return;
      }
      case 'changeRecords': {
        const weight = action.changes.reduce((n, c) => n + (c.action === 'UPSERT' ? 2 : 1), 0);
        const characters = action.changes.reduce((n, c) => n + (c.action === 'UPSERT' ? 2 : 1) * c.value.length, 0);
        if (!this.buckets.changes.take(now, action.changes.length)) {
          this.throttled++;
          throw new AwsError('Throttling', 'Rate exceeded');
        }
        this.call('route53', 'ChangeResourceRecordSets');
        if (weight > this.settings.batchLimits.resourceRecords || characters > this.settings.batchLimits.valueCharacters) {
          throw this.refuse('InvalidChangeBatch', `${weight} records, ${characters} characters`);
        }
        for (const c of action.changes) {
          if (c.action === 'UPSERT') this.records.set(c.name, { value: c.value, syncAt: now + this.settings.dnsPropagationSeconds });
          else if (!this.records.delete(c.name)) throw this.refuse('InvalidChangeBatch', `no record ${c.name} to delete`);
        }
        return;
      }
    }
  }

  /** A read the client paces itself: it waits for its token. */
  private paced(api: 'cloudFront' | 'route53', name: string): void {
    this.sleep(this.waitFor(api, 1));
    this.call(api, name);
  }

  private call(api: 'cloudFront' | 'route53', name: string): void {
    if (!this.buckets[api].take(this.now, 1)) {
      this.throttled++;
      throw new AwsError('Throttling', 'Rate exceeded');
    }
    this.calls.set(name, (this.calls.get(name) ?? 0) + 1);
  }

  private certificateState(c: SimCertificate): 'pending' | 'issued' | 'failed' {
    if (c.domains.some(d => this.failing.has(d))) return this.now >= c.requestedAt + this.settings.certificateSeconds ? 'failed' : 'pending';
    return this.now >= this.issueAt(c) ? 'issued' : 'pending';
  }

  /** CloudFront validation needs every domain's record in sync (the token is served through CloudFront); self-hosted does not. */
  private issueAt(c: SimCertificate): number {
    let from = c.requestedAt;
    if (c.validation === 'cloudfront') {
      for (const d of c.domains) {
        const r = this.records.get(d);
        if (r === undefined || r.value !== this.routingEndpoint) return Infinity;
        from = Math.max(from, r.syncAt);
      }
    }
    return from + this.settings.certificateSeconds;
  }

  private get(name: string): SimTenant {
    const t = this.tenants.get(name);
    if (t === undefined) throw this.refuse('EntityNotFound', `no distribution tenant ${name}`);
    return t;
  }

  private claim(name: string, domains: readonly string[]): void {
    for (const d of domains) {
      const other = this.holders.get(d);
      if (other !== undefined && other !== name) throw this.refuse('CNAMEAlreadyExists', `${d} is on ${other}`);
    }
  }

  private refuse(name: string, message: string): AwsError {
    this.refusals.push(`${name}: ${message}`);
    return new AwsError(name, message);
  }
}
