/**
 * The embedded engine runs a store's workflows in one process only: two engines on one journal
 * would each replay, start and answer the same workflows (lost updates, hung requests). So an
 * instance that starts the embedded engine first takes the store's engine lease, a document it
 * renews while it runs; another instance sharing the store is refused while the lease is held,
 * with a message that says to use Temporal for several instances. A lease left by a process that
 * died is taken over once it has gone a whole TTL unrenewed, timed by the taker's own clock (the
 * clocks of two hosts need not agree), or at once when that process ran on this machine since it
 * booted, in this pid namespace, and is gone (host names are not unique: cloned machines and
 * containers share them, and every machine's first pid namespace looks alike).
 */
import { randomUUID } from 'node:crypto';
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { processState, thisProcess, type ProcessPlace } from '../process-identity';

/** The holder's process is recorded where it runs (process-identity.ts), so its pid is only looked up where it means that process. */
interface LeaseDocument extends ProcessPlace {
  _id: string;
  holder: string;
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
      // Only the lease as it was read is taken (unchanged since: the same holder, the same renewal).
      const asRead = { _id: LEASE_ID, holder: held.holder, renewedAt: held.renewedAt };
      if (processState(held) === 'gone') {
        await lease.leases.deleteOne(asRead);
        continue;
      }
      // Its holder renews every third of the TTL: a whole TTL of this clock without a renewal means it is gone.
      await new Promise((resolve) => setTimeout(resolve, lease.ttlMs + 50));
      const { matchedCount } = await lease.leases.replaceOne(asRead, lease.mine());
      if (matchedCount === 1) break;
      const after = await lease.leases.findOne({ _id: LEASE_ID });
      if (after && after.holder === held.holder) throw new EngineLeaseHeldError(held);
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

  /** This instance's lease document, renewed now. */
  private mine(): Omit<LeaseDocument, '_id'> {
    return { holder: this.holder, ...thisProcess(), renewedAt: new Date() };
  }

  /** Takes the lease if it is free or already ours; otherwise returns who holds it. */
  private async tryTake(): Promise<LeaseDocument | undefined> {
    for (;;) {
      try {
        await this.leases.updateOne({ _id: LEASE_ID, holder: this.holder }, { $set: this.mine() }, { upsert: true });
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
