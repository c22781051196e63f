/**
 * The countries a tenant's viewers may, or may not, come from: exactly one of `allow` and `deny`,
 * each a non-empty list of ISO 3166-1 alpha-2 country codes in upper case, e.g. `["DE", "FR"]`.
 */
export interface TenantGeoRestriction {
  /**
   * Serve viewers in these countries only.
   *
   * @default - no allow list (give `deny` instead)
   */
  readonly allow?: string[];

  /**
   * Refuse viewers in these countries (CloudFront answers 403).
   *
   * @default - no deny list (give `allow` instead)
   */
  readonly deny?: string[];
}
