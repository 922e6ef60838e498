/**
 * Environment variables that look meant for this server but that it does not read: a misspelt name
 * (`TEMPORAL_ADRESS`), or another product's spelling (`MONGO_URI`), would otherwise be ignored
 * without a word, and the server start on its embedded defaults.
 */
import { CONFIG_VARIABLES } from './config';

/** Read outside the configuration: a CPU profile of each thread (cpu-profile.ts). */
const OTHER_VARIABLES = ['CPU_PROFILE_DIR'];

/**
 * Prefixes of the services and limits the settings configure: a variable under one of them that is
 * not a setting is taken as meant for this server. `AI_` for an assistant's settings.
 */
const OUR_PREFIXES = ['MONGO', 'TEMPORAL_', 'OPENAI_', 'WS_', 'AI_', 'RATE_LIMIT_', 'FILE_', 'SHUTDOWN_', 'EMBEDDED_', 'WORKFLOW_', 'WEBHOOK_'];
/** Other software's variables under those prefixes: the official MongoDB image's. */
const OTHERS_PREFIXES = ['MONGO_INITDB_'];

/** Edits from a name of ours within which a name is taken as a misspelling of it: one for short names (HOME is not HOST), two for longer. */
const closeEnough = (name: string): number => (name.length <= 6 ? 1 : 2);

/** How many single-character insertions, deletions or substitutions turn `a` into `b` (Levenshtein). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

export interface UnknownVariable {
  name: string;
  /** The setting it is likely meant as, when one is near enough. */
  meant?: string;
}

/** The variables of `env` that look like settings of this server but are none, each with the setting it likely means. */
export function unknownVariables(env: NodeJS.ProcessEnv): UnknownVariable[] {
  const known = [...CONFIG_VARIABLES, ...OTHER_VARIABLES];
  const found: UnknownVariable[] = [];
  // Upper-case names only: npm_config_*, and most other tools' own, are lower or mixed case.
  for (const name of Object.keys(env).filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n) && !known.includes(n)).sort()) {
    const nearest = known.map((candidate) => ({ candidate, distance: editDistance(name, candidate) })).sort((x, y) => x.distance - y.distance)[0]!;
    const misspelt = nearest.distance <= Math.max(closeEnough(name), closeEnough(nearest.candidate));
    const ours = OUR_PREFIXES.some((prefix) => name.startsWith(prefix)) && !OTHERS_PREFIXES.some((prefix) => name.startsWith(prefix));
    if (!misspelt && !ours) continue;
    // Under our prefix, another spelling of a setting's name is likely meant as it (MONGO_URI: MONGODB_URI), if not too far off.
    const meant = misspelt || nearest.distance <= Math.ceil(name.length / 3) ? nearest.candidate : undefined;
    found.push({ name, ...(meant ? { meant } : {}) });
  }
  return found;
}
