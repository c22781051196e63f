// A model of the account where every change takes effect at once (deployed, issued, in sync):
// enough to test the reconciler's decisions; the simulated account (sim/) adds time and limits.
// It refuses what CloudFront refuses: a domain on two distribution tenants, deleting an enabled one.
import { Action, ObservedState, TenantStatus } from '../../src/control-plane/reconcile';

export interface InstantTenant { domains: string[]; enabled: boolean; settings: string }

export class InstantAccount {
  public readonly tenants = new Map<string, InstantTenant>();
  public readonly certificates = new Map<string, string[]>();
  public readonly records = new Map<string, string>();
  public statuses: TenantStatus[] = [];
  /** Domains whose certificate validation fails. */
  constructor(private readonly failing: ReadonlySet<string> = new Set()) {}

  public observe(): ObservedState {
    return {
      distributionTenants: [...this.tenants].map(([name, t]) => ({
        name, domains: [...t.domains], enabled: t.enabled, deployed: true, settings: t.settings,
      })),
      certificates: [...this.certificates].map(([tenantId, domains]) => ({
        tenantId, domains, state: domains.some(d => this.failing.has(d)) ? 'failed' as const : 'issued' as const, reason: 'validation token not found',
      })),
      records: [...this.records].map(([name, value]) => ({ name, value, inSync: true })),
      statuses: this.statuses,
    };
  }

  public apply(action: Action): void {
    switch (action.kind) {
      case 'createTenant':
        if (this.tenants.has(action.tenantId)) return; // already made by a run that crashed after the call
        this.claim(action.tenantId, action.domains);
        this.tenants.set(action.tenantId, { domains: [...action.domains], enabled: action.enabled, settings: action.settings });
        return;
      case 'updateTenant': {
        const t = this.get(action.tenantId);
        this.claim(action.tenantId, action.domains);
        t.domains = [...action.domains];
        t.settings = action.settings;
        return;
      }
      case 'requestCertificate':
        this.get(action.tenantId);
        this.certificates.set(action.tenantId, [...action.domains]);
        return;
      case 'moveDomain': {
        const to = this.get(action.to);
        if (to.domains.includes(action.domain)) return;
        const from = this.get(action.from);
        if (!from.domains.includes(action.domain)) throw new Error(`${action.domain} is not on ${action.from}`);
        if (!(this.certificates.get(action.to) ?? []).includes(action.domain)) throw new Error(`${action.to}'s certificate does not cover ${action.domain}`);
        from.domains = from.domains.filter(d => d !== action.domain);
        to.domains.push(action.domain);
        return;
      }
      case 'disableTenant': this.get(action.tenantId).enabled = false; return;
      case 'enableTenant': this.get(action.tenantId).enabled = true; return;
      case 'deleteTenant': {
        const t = this.tenants.get(action.tenantId);
        if (t === undefined) return;
        if (t.enabled) throw new Error(`${action.tenantId} is enabled: CloudFront deletes a disabled distribution tenant only`);
        this.tenants.delete(action.tenantId);
        this.certificates.delete(action.tenantId);
        return;
      }
      case 'changeRecords':
        for (const c of action.changes) {
          if (c.action === 'UPSERT') this.records.set(c.name, c.value);
          else this.records.delete(c.name);
        }
        return;
    }
  }

  /** Everything the account holds, comparable with toEqual. */
  public snapshot() {
    return {
      tenants: [...this.tenants].map(([name, t]) => [name, [...t.domains].sort(), t.enabled, t.settings]).sort(),
      certificates: [...this.certificates].map(([name, d]) => [name, [...d].sort()]).sort(),
      records: [...this.records].sort(),
    };
  }

  private get(name: string): InstantTenant {
    const t = this.tenants.get(name);
    if (t === undefined) throw new Error(`no distribution tenant ${name}`);
    return t;
  }

  private claim(name: string, domains: readonly string[]): void {
    for (const [other, t] of this.tenants) {
      const taken = domains.find(d => other !== name && t.domains.includes(d));
      if (taken !== undefined) throw new Error(`CNAMEAlreadyExists: ${taken} is on ${other}`);
    }
  }
}
