// Types for entry-points.js (plain JS so that typedoc.config.js and the scripts run without a build).
export declare const REPO: string;
export interface EntryPoint {
  /** What users import: `nestjs-karafka`, `nestjs-karafka/testing`. */
  specifier: string;
  /** The TypeScript file under lib/ that the subpath is built from. */
  source: string;
}
export declare function entryPoints(root?: string): EntryPoint[];
