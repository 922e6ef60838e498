/**
 * Folding runs of entries away in place, as a long timeline folds what few read: each run of
 * consecutive folded entries becomes one row that says how many it holds and of what, so where
 * they happened stays in sight and one click brings them back.
 */

export type Row<T> = { kind: 'entry'; entry: T } | { kind: 'fold'; entries: T[] };

/** `entries` in order, each run of those `folded` says to fold as one `fold` row. */
export function foldRuns<T>(entries: readonly T[], folded: (entry: T) => boolean): Row<T>[] {
  const rows: Row<T>[] = [];
  for (const entry of entries) {
    const last = rows.at(-1);
    if (!folded(entry)) rows.push({ kind: 'entry', entry });
    else if (last?.kind === 'fold') last.entries.push(entry);
    else rows.push({ kind: 'fold', entries: [entry] });
  }
  return rows;
}

/** What a fold holds, by name and count, most frequent first: "projectState ×4, recordEvents ×2". */
export function foldContents(names: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => (count > 1 ? `${name} ×${count}` : name))
    .join(', ');
}
