/** Origin Shield's region: the one given, or the stack's when undefined. */
export interface OriginShieldBinding {
  readonly region?: string;
}
