/** Which team an escalated conversation goes to. Pure. */
import type { Priority } from '../../domain/conversation';

/** A rule matches when the conversation has any of its tags and (if it lists priorities) one of its priorities. */
export interface RoutingRule {
  team: string;
  tags?: string[];
  priorities?: Priority[];
}

export interface RoutingRules {
  /** Checked in order; the first match wins. */
  rules: RoutingRule[];
  defaultTeam: string;
}

export const DEFAULT_ROUTING_RULES: RoutingRules = {
  rules: [
    { team: 'billing', tags: ['billing'] },
    { team: 'technical', tags: ['technical', 'bug'] },
  ],
  defaultTeam: 'support',
};

function matches(rule: RoutingRule, conversation: { tags: readonly string[]; priority: Priority }): boolean {
  const byTags = rule.tags?.length ? rule.tags.some((tag) => conversation.tags.includes(tag)) : undefined;
  const byPriority = rule.priorities?.length ? rule.priorities.includes(conversation.priority) : undefined;
  if (byTags === undefined && byPriority === undefined) return false;
  return byTags !== false && byPriority !== false;
}

export function chooseTeam(rules: RoutingRules, conversation: { tags: readonly string[]; priority: Priority }): string {
  return rules.rules.find((rule) => matches(rule, conversation))?.team ?? rules.defaultTeam;
}

/** Every team the rules can send a conversation to. */
export const teamsNamed = ({ rules, defaultTeam }: RoutingRules): string[] => [...new Set([...rules.map((rule) => rule.team), defaultTeam])];

/** The teams at least one person belongs to (an AI assistant takes nothing from a queue). */
export const staffedTeams = (members: readonly { kind: string; teams: readonly string[] }[]): Set<string> =>
  new Set(members.filter((member) => member.kind === 'human').flatMap((member) => member.teams));

/**
 * Whether routing offers the person conversations: a human in a team the rules send conversations
 * to. A person in no team (or only in teams no rule names) is in no queue routing fills.
 */
export const routedTo = (rules: RoutingRules, member: { kind: string; teams: readonly string[] }): boolean =>
  member.kind === 'human' && member.teams.some((team) => teamsNamed(rules).includes(team));
