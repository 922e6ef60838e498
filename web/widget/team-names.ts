/**
 * The names the widget shows for the team: those the bootstrap gave (people on the team, the AI
 * assistants, and people removed whom older timelines name), read again when a timeline names
 * someone it does not know, such as a person added since the page loaded. Reads are spaced by
 * `minGapMs` at least, so an id nobody knows costs one read per gap, not one per render.
 */
import type { WebsiteInfo } from '../shared/wire';

export const NAMES_MIN_GAP_MS = 10_000;

export interface TeamNamesOptions {
  /** Reads the website's bootstrap again. */
  read: () => Promise<WebsiteInfo>;
  /** Called when a read brought a name the widget did not have, or changed one. */
  onLearnt: () => void;
  minGapMs?: number;
  now?: () => number;
}

export class TeamNames {
  private names: Map<string, string>;
  private lastRead: number;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private reading = false;

  constructor(
    website: WebsiteInfo,
    private readonly options: TeamNamesOptions,
  ) {
    this.names = namesOf(website);
    this.lastRead = this.now();
  }

  /** The member's name, or undefined while unknown (a read is then on its way). */
  get(memberId: string): string | undefined {
    const name = this.names.get(memberId);
    if (name === undefined) this.readSoon();
    return name;
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private readSoon(): void {
    if (this.reading || this.pending) return;
    const wait = Math.max(0, this.lastRead + (this.options.minGapMs ?? NAMES_MIN_GAP_MS) - this.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.readNow();
    }, wait);
  }

  private async readNow(): Promise<void> {
    this.reading = true;
    try {
      const fresh = namesOf(await this.options.read());
      const learnt = [...fresh].some(([id, name]) => this.names.get(id) !== name);
      // Names the read no longer gives are kept: a timeline on screen may still show them.
      this.names = new Map([...this.names, ...fresh]);
      if (learnt) this.options.onLearnt();
    } catch {
      // Best effort: the item shows a generic name until the next read.
    } finally {
      this.lastRead = this.now();
      this.reading = false;
    }
  }
}

function namesOf(website: WebsiteInfo): Map<string, string> {
  const named = [...(website.formerAgents ?? []), ...(website.availableHumanAgents ?? []), ...(website.availableAIAgents ?? [])];
  return new Map(named.map((member) => [member.id, member.name]));
}
