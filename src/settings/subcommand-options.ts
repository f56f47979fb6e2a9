import type { FlagKey, RunFlags } from './options.js';

/** The run options `check` takes. */
export const CHECK_OPTIONS = [
  'profile',
  'schemas',
  'maxFrameSize',
  'json',
  'quiet',
  'color',
  'stepSummary',
  'annotations',
  'report',
] as const satisfies readonly FlagKey[];
/** The flags of `check`, as commander gives them. */
export type CheckFlags = Pick<RunFlags, (typeof CHECK_OPTIONS)[number]>;

/** The run options `schemas` takes. */
export const SCHEMAS_OPTIONS = ['profile', 'schemas'] as const satisfies readonly FlagKey[];
/** The flags of `schemas`. */
export type SchemasFlags = Pick<RunFlags, (typeof SCHEMAS_OPTIONS)[number]>;

/** The run options `envs` takes. */
export const ENVS_OPTIONS = ['config'] as const satisfies readonly FlagKey[];
/** The flags of `envs`. */
export type EnvsFlags = Pick<RunFlags, (typeof ENVS_OPTIONS)[number]>;

/** The run options `profiles` and `profiles show` take. */
export const PROFILES_OPTIONS = ['config'] as const satisfies readonly FlagKey[];
/** The flags of `profiles`. */
export type ProfilesFlags = Pick<RunFlags, (typeof PROFILES_OPTIONS)[number]>;
