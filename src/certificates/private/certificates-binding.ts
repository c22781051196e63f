import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import { EdgeBinding } from '../../edge/private/edge-binding';
import type { GatewayPlan } from '../../gateway/plan';
import { ResolvedQuotas } from '../../quotas/quotas';
import { TenantProps } from '../../tenants/tenants';

/** What the gateway knows when it checks and makes its certificates. */
export interface CertificateCheck {
  readonly tenants: readonly TenantProps[];
  readonly quotas: ResolvedQuotas;
  readonly edge: EdgeBinding;
  readonly plan: GatewayPlan;
}

/** The certificates a gateway uses. */
export interface GatewayCertificateSet {
  /** The load balancer's, the default first. */
  readonly loadBalancerCertificates: acm.ICertificate[];
  /** The certificate of distribution n (us-east-1). */
  certificateFor(distribution: number): acm.ICertificate;
}

/** What a certificate choice means for the gateway. */
export interface CertificatesBinding {
  /** The zone to plan DNS-validated certificates in (its name when known); none for brought certificates. */
  readonly validationZoneName?: string;
  /** Every problem with these certificates, for the gateway's single error; warns where it cannot check. */
  problems(gateway: Construct, check: CertificateCheck): string[];
  /** Makes (or hands over) the certificates; call only after `problems` found none. */
  build(gateway: Construct, check: CertificateCheck): GatewayCertificateSet;
}

