export { MultiTenantGateway, MultiTenantGatewayProps } from './multi-tenant-gateway';
export { TenantProps, Tenants } from './tenants';
export { TenantPlacement } from './placement';
export { Quotas } from './quotas';
export { CacheOptions } from './edge/cache';
export { EdgeMode } from './edge/edge-mode';
export { ShardedDistributionsOptions } from './edge/sharded';
export { OriginAccess } from './origin';
export { FleetOptions } from './fleet';
