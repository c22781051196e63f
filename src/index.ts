export { MultiTenantGateway } from './gateway/multi-tenant-gateway';
export { MultiTenantGatewayProps } from './gateway/props';
export { TenantProps, Tenants, TenantsFileSettings } from './tenants/tenants';
export { TenantGeoRestriction } from './tenants/geo-restriction';
export { TenantMoveSource } from './moves/move-source';
export { TenantPlacement } from './tenants/placement';
export { Quotas } from './quotas/quotas';
export { CacheOptions, PathBehavior } from './edge/cache';
export { SharedPathsOrigin } from './edge/shared-paths';
export { OriginShield } from './edge/origin-shield';
export { EdgeMode, MultiTenantDistributionOptions, ShardedDistributionsOptions } from './edge/edge-mode';
export { TenantCertificate } from './edge/tenant-certificate';
export { Cell, FleetCellOptions, HttpsOriginCellOptions } from './origin/cell';
export { OriginAccess, SecretHeaderAccessOptions, VpcOriginAccessOptions } from './origin/origin-access';
export {
  AutoScalingFleetOptions, EcsFargateFleetOptions, EcsServiceFleetOptions, Fleet, FleetOptions, TargetsFleetOptions,
} from './origin/fleet';
export { DnsValidatedCertificatesOptions, FromCertificatesOptions, GatewayCertificates } from './certificates/certificates';
export { AlarmThresholds, GatewayObservability, ObservabilityOptions } from './observability/observability';
export { TenantControlPlane, TenantControlPlaneProps } from './control-plane/tenant-control-plane';
export { ControlPlaneOptions } from './control-plane/control-plane-options';
