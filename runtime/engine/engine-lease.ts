/**
 * The embedded engine runs a store's workflows in one process only: two engines on one journal
 * would each replay, start and answer the same workflows (lost updates, hung requests). So an
 * instance that starts the embedded engine first takes the store's engine lease, a document it
 * renews while it runs; another instance sharing the store is refused while the lease is held,
 * with a message that says to use Temporal for several instances. A lease left by a process that
 * died is taken over once it expires, or at once when that process ran on this host and is gone.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { MongoServerError, type Collection, type Db } from 'mongodb';

interface LeaseDocument {
  _id: string;
  holder: string;
  host: string;
  pid: number;
  renewedAt: Date;
}

export interface EngineLeaseOptions {
  /** How long a lease holds without renewal. */
  ttlMs?: number;
  /** Told when the lease was found taken by another instance (this one stopped renewing for longer than the TTL). */
  onLost?(holder: { host: string; pid: number }): void;
}

const LEASE_ID = 'embedded-engine';
const DEFAULT_TTL_MS = 15_000;

export class EngineLeaseHeldError extends Error {
  constructor(holder: { host: string; pid: number }) {
    super(
      `Another instance (pid ${holder.pid} on ${holder.host}) runs the embedded workflow engine on this store. ` +
        'The embedded engine serves one instance; run several instances against Temporal (TEMPORAL_ADDRESS), or stop the other one.',
    );
    this.name = 'EngineLeaseHeldError';
  }
}

const DUPLICATE_KEY = 11000;

export class EngineLease {
  private readonly holder = randomUUID();
  private renewal?: NodeJS.Timeout;
  /** Given up: a renewal still under way then finds no lease, and that is not a loss. */
  private released = false;

  private constructor(
    private readonly leases: Collection<LeaseDocument>,
    private readonly ttlMs: number,
    private readonly onLost: EngineLeaseOptions['onLost'],
  ) {}

  /**
   * Takes the store's lease, waiting for a held one to expire (as it does when its holder died);
   * rejects with EngineLeaseHeldError when its holder keeps renewing it.
   */
  static async acquire(db: Db, options: EngineLeaseOptions = {}): Promise<EngineLease> {
    const lease = new EngineLease(db.collection<LeaseDocument>('engine_lease'), options.ttlMs ?? DEFAULT_TTL_MS, options.onLost);
    for (;;) {
      const held = await lease.tryTake();
      if (!held) break;
      if (held.host === os.hostname() && !processAlive(held.pid)) {
        await lease.leases.deleteOne({ _id: LEASE_ID, holder: held.holder });
        continue;
      }
      const wait = held.renewedAt.getTime() + lease.ttlMs - Date.now();
      if (wait <= 0) continue;
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait + 50, lease.ttlMs)));
      const after = await lease.leases.findOne({ _id: LEASE_ID });
      if (after && after.holder === held.holder && after.renewedAt.getTime() > held.renewedAt.getTime()) throw new EngineLeaseHeldError(held);
    }
    lease.renewal = setInterval(() => void lease.renew(), lease.ttlMs / 3);
    lease.renewal.unref();
    return lease;
  }

  /** Gives the lease up, so another instance may start at once. */
  async release(): Promise<void> {
    this.released = true;
    clearInterval(this.renewal);
    await this.leases.deleteOne({ _id: LEASE_ID, holder: this.holder });
  }

  /** Takes the lease if it is free, expired or already ours; otherwise returns who holds it. */
  private async tryTake(): Promise<LeaseDocument | undefined> {
    for (;;) {
      const now = new Date();
      const mine = { holder: this.holder, host: os.hostname(), pid: process.pid, renewedAt: now };
      try {
        await this.leases.updateOne(
          { _id: LEASE_ID, $or: [{ holder: this.holder }, { renewedAt: { $lt: new Date(now.getTime() - this.ttlMs) } }] },
          { $set: mine },
          { upsert: true },
        );
        return undefined;
      } catch (err) {
        if (!(err instanceof MongoServerError && err.code === DUPLICATE_KEY)) throw err;
        // Held and current; unless it was released just now, then it is tried again.
        const held = await this.leases.findOne({ _id: LEASE_ID });
        if (held) return held;
      }
    }
  }

  private async renew(): Promise<void> {
    try {
      const { matchedCount } = await this.leases.updateOne({ _id: LEASE_ID, holder: this.holder }, { $set: { renewedAt: new Date() } });
      if (matchedCount > 0 || this.released) return;
      clearInterval(this.renewal);
      const taken = await this.leases.findOne({ _id: LEASE_ID });
      this.onLost?.({ host: taken?.host ?? 'unknown', pid: taken?.pid ?? 0 });
    } catch {
      // The store is unreachable: the next renewal tries again (the lease outlives a short outage).
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
