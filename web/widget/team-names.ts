/**
 * The names the widget shows for the team: those the bootstrap gave (the people on the team and
 * the AI assistants), and any other a timeline names (a person added since the page loaded, or
 * one removed whom older timelines name), asked of the server by id, a few at a time. An id the
 * server does not name is asked again only after `minGapMs`, so it costs one read per gap, not
 * one per render.
 */
import type { WebsiteInfo } from '../shared/wire';

export const NAMES_MIN_GAP_MS = 10_000;
/** Ids wanted within this long go in one read. */
const BATCH_MS = 50;
/** Ids per read at most (the server's limit). */
const IDS_PER_READ = 50;

export interface TeamNamesOptions {
  /** Asks the server for the names of these ids (those it knows). */
  read: (ids: string[]) => Promise<Array<{ id: string; name: string }>>;
  /** Called when a read brought a name the widget did not have. */
  onLearnt: () => void;
  minGapMs?: number;
  now?: () => number;
}

export class TeamNames {
  private readonly names: Map<string, string>;
  /** Ids asked for (the read under way included) and not named, with when they were asked. */
  private readonly asked = new Map<string, number>();
  private readonly wanted = new Set<string>();
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(
    website: WebsiteInfo,
    private readonly options: TeamNamesOptions,
  ) {
    const named = [...(website.availableHumanAgents ?? []), ...(website.availableAIAgents ?? [])];
    this.names = new Map(named.map((member) => [member.id, member.name]));
  }

  /** The member's name, or undefined while unknown (it is then asked for). */
  get(memberId: string): string | undefined {
    const name = this.names.get(memberId);
    if (name === undefined) this.want(memberId);
    return name;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private want(memberId: string): void {
    const askedAt = this.asked.get(memberId);
    if (askedAt !== undefined && this.now() - askedAt < (this.options.minGapMs ?? NAMES_MIN_GAP_MS)) return;
    this.wanted.add(memberId);
    this.pending ??= setTimeout(() => void this.readWanted(), BATCH_MS);
  }

  private async readWanted(): Promise<void> {
    const ids = [...this.wanted].slice(0, IDS_PER_READ);
    for (const id of ids) {
      this.wanted.delete(id);
      this.asked.set(id, this.now());
    }
    let learnt = false;
    let failed = false;
    try {
      for (const { id, name } of await this.options.read(ids)) {
        learnt ||= this.names.get(id) !== name;
        this.names.set(id, name);
        this.asked.delete(id);
      }
    } catch {
      // The items show a generic name meanwhile; the ids are asked for again a gap later.
      failed = true;
      for (const id of ids) this.wanted.add(id);
    }
    const wait = failed ? (this.options.minGapMs ?? NAMES_MIN_GAP_MS) : BATCH_MS;
    this.pending = this.wanted.size > 0 ? setTimeout(() => void this.readWanted(), wait) : undefined;
    if (learnt) this.options.onLearnt();
  }
}
