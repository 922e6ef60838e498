/** How pickers name team members, so that people who share a name can still be told apart. */
import type { TeamMemberInfo } from './wire';

/** Each member's label by id: the name, followed by the id where two or more of `members` share that name. */
export function memberLabels(members: ReadonlyArray<Pick<TeamMemberInfo, 'id' | 'name'>>): Map<string, string> {
  const named = new Map<string, number>();
  for (const { name } of members) named.set(name, (named.get(name) ?? 0) + 1);
  return new Map(members.map(({ id, name }) => [id, (named.get(name) ?? 0) > 1 ? `${name} (${id})` : name]));
}

/**
 * The first character a reader sees of a name, for its avatar: a whole grapheme, so that a name
 * starting with an emoji (two UTF-16 units, or several joined) is not cut into half a character.
 */
export function initialOf(name: string): string {
  // Firefox before 125 has no Segmenter: the first code point there.
  if (typeof Intl.Segmenter !== 'function') return Array.from(name)[0] ?? '';
  const [first] = new Intl.Segmenter().segment(name);
  return first?.segment ?? '';
}
