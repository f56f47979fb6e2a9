// A profile is a contract as data: which frames are the run's events, which must arrive, how the
// run opens and ends, what pairs up, where the run's ids are, and the trigger that starts a run.

/** The version of the profile.json format this release reads. */
export const PROFILE_FORMAT = 1;

/** The built-in profiles, in the order `--profile all` lists them. */
export const BUILT_IN_PROFILES: readonly string[] = [
  'canonical',
  'bridge',
  'flat',
  'frontend',
  'ag-ui',
];

/** The word that selects every built-in profile. */
export const ALL_PROFILES = 'all';

/** The profile judged when none is selected. */
export const DEFAULT_PROFILE = 'canonical';

/** An open event closed by a later close event with the same key. */
export interface PairSpec {
  open: string;
  close: string;
  /** Dotted paths of the key, tried in order: pairing uses the first key every open and close carries. */
  by: string[];
  /** Events that must carry the key of an open pair. */
  inside: string[];
}

/** Where a run's ids are: dotted paths of the thread id and of the run id. */
export interface RunScopeSpec {
  thread: string[];
  run: string[];
  /** The server may assign the run id in the run's first event that carries one. */
  adoptRunId: boolean;
}

/** A profile.json with every default filled in. */
export interface ProfileSpec {
  profile: typeof PROFILE_FORMAT;
  name: string;
  description: string;
  /** Dotted path of a frame's type. */
  typeField: string;
  required: string[];
  events: string[];
  first: string[];
  terminal: string[];
  errors: string[];
  once: string[];
  pairs: PairSpec[];
  /** Null when the protocol carries no ids: run attribution and `run_scope` are skipped. */
  runScope: RunScopeSpec | null;
  /** The trigger template; null to use the named `agent_execution` trigger. */
  trigger: Record<string, unknown> | null;
}

/** What one type of frame is to a profile; looked up once per frame. */
export interface EventRole {
  required: boolean;
  first: boolean;
  terminal: boolean;
  error: boolean;
  once: boolean;
  /** Indexes into `pairs` of the pairs this type opens, closes, or must sit inside. */
  opens: number[];
  closes: number[];
  inside: number[];
}

/** The role of no event, to fill a reused event object before its first use. */
export const NO_ROLE: EventRole = Object.freeze({
  required: false,
  first: false,
  terminal: false,
  error: false,
  once: false,
  opens: [],
  closes: [],
  inside: [],
});

/** A profile's definition with the lookups the judge makes on every frame. */
export interface ContractProfile {
  spec: ProfileSpec;
  /** The role of each event type the profile names; a type absent here is infrastructure. */
  roles: ReadonlyMap<string, EventRole>;
  /** `typeField` split on dots. */
  typePath: readonly string[];
}

/** The event types a run of the profile is made of, in declaration order: every type it names but its errors. */
export function runEventNames(spec: ProfileSpec): string[] {
  const all = [
    ...spec.required,
    ...spec.events,
    ...spec.first,
    ...spec.terminal,
    ...spec.once,
    ...spec.pairs.flatMap((pair) => [pair.open, pair.close, ...pair.inside]),
  ];
  return [...new Set(all)];
}

/** Every event type a profile names: its run events and its error events, in declaration order. */
export function namedEvents(spec: ProfileSpec): string[] {
  return [...new Set([...runEventNames(spec), ...spec.errors])];
}

/** Builds the per-type lookups of a profile. */
export function describeProfile(spec: ProfileSpec): ContractProfile {
  const roles = new Map<string, EventRole>();
  for (const type of namedEvents(spec)) {
    roles.set(type, {
      required: spec.required.includes(type),
      first: spec.first.includes(type),
      terminal: spec.terminal.includes(type),
      error: spec.errors.includes(type),
      once: spec.once.includes(type),
      opens: indexesWhere(spec.pairs, (pair) => pair.open === type),
      closes: indexesWhere(spec.pairs, (pair) => pair.close === type),
      inside: indexesWhere(spec.pairs, (pair) => pair.inside.includes(type)),
    });
  }
  return { spec, roles, typePath: spec.typeField.split('.') };
}

function indexesWhere<T>(items: readonly T[], test: (item: T) => boolean): number[] {
  return items.flatMap((item, index) => (test(item) ? [index] : []));
}

/** The value at a dotted path already split, or undefined when any step is missing. */
function readPath(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return undefined;
    // Own properties only: a frame is remote input and may name `__proto__` or `constructor`.
    if (!Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The non-empty string at a dotted path, or null. */
export function readPathString(value: unknown, path: readonly string[]): string | null {
  // One step is the common case, and a plain read is safe for it: inherited members are never strings.
  const found =
    path.length === 1
      ? typeof value === 'object' && value !== null && !Array.isArray(value)
        ? (value as Record<string, unknown>)[path[0] as string]
        : undefined
      : readPath(value, path);
  return typeof found === 'string' && found !== '' ? found : null;
}

/** The first non-empty string found at one of several dotted paths (each already split), or null. */
export function readFirstString(
  value: unknown,
  paths: readonly (readonly string[])[],
): string | null {
  for (const path of paths) {
    const found = readPathString(value, path);
    if (found !== null) return found;
  }
  return null;
}

/** Reads a frame's type at a path already split; the common one-step path is a plain property read. */
export function createTypeReader(path: readonly string[]): (frame: unknown) => string | null {
  const [only] = path;
  if (path.length !== 1 || only === undefined) return (frame) => readPathString(frame, path);
  return (frame) => {
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
    // Inherited members of Object.prototype are never strings, so a plain read is safe here.
    const value = (frame as Record<string, unknown>)[only];
    return typeof value === 'string' && value !== '' ? value : null;
  };
}
