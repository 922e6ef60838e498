import { Router, type Response } from 'express';
import type { ApiContext } from '../context';

/** How long the store has to answer before the instance reports itself unavailable. */
const STORE_PING_TIMEOUT_MS = 2_000;
/** Probes within this long of a check share its answer: the route is public and not rate-limited. */
const CHECK_REUSED_MS = 1_000;

export interface HealthState {
  /** True once the server drains for a shutdown: it takes no new connections, so a load balancer must send none. */
  draining(): boolean;
}

/**
 * Two probes:
 * - `GET /v1/health` (readiness: where to send traffic): `200 {status: "ok", …}`, or `503 {status:
 *   "unavailable", …, reason}` while the server drains for a shutdown, while the workflow engine
 *   does not answer, and while the store does not answer or refuses writes.
 * - `GET /v1/health/live` (liveness: whether to restart the process): `503` only when the engine
 *   does not answer, which a restart mends; not for a store outage, which a restart does not.
 * The store's why is logged once each time it changes, not told to whoever asks (it names files
 * and hosts); the engine's and the drain's are told.
 */
export function healthRoutes(ctx: ApiContext, state: HealthState): Router {
  const router = Router();
  const { engine, store, engineProblem } = ctx.health;
  let last: { at: number; failure: Promise<string | undefined> } | undefined;
  let reported: string | undefined;
  let reportedEngine: string | undefined;
  const checkStore = (): Promise<string | undefined> => {
    if (last && Date.now() - last.at < CHECK_REUSED_MS) return last.failure;
    const failure = ctx.store.ping(STORE_PING_TIMEOUT_MS).then(
      () => undefined,
      (err: unknown) => (err instanceof Error ? err.message : String(err)),
    );
    last = { at: Date.now(), failure };
    void failure.then((reason) => {
      if (reason === reported) return;
      if (reason === undefined) ctx.log.info('health check: the store answers again');
      else ctx.log.warn({ reason }, 'health check: the store is unavailable');
      reported = reason;
    });
    return failure;
  };
  const checkEngine = (): string | undefined => {
    const reason = engineProblem?.();
    if ((reason === undefined) !== (reportedEngine === undefined)) {
      if (reason === undefined) ctx.log.info('health check: the workflow engine answers again');
      else ctx.log.warn({ reason }, 'health check: the workflow engine does not answer');
    }
    reportedEngine = reason;
    return reason;
  };
  const unavailable = (res: Response, reason: string) => res.status(503).json({ status: 'unavailable', engine, store, reason });

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.get('/', async (_req, res) => {
    if (state.draining()) {
      // The drain says so on every answer; said here too, as a probe on a kept-alive connection must open a new one.
      res.setHeader('Connection', 'close');
      return unavailable(res, 'shutting down');
    }
    const engineReason = checkEngine();
    if (engineReason !== undefined) return unavailable(res, engineReason);
    if ((await checkStore()) === undefined) res.json({ status: 'ok', engine, store });
    else unavailable(res, 'the store does not answer or refuses writes (the server log says why)');
  });
  router.get('/live', (_req, res) => {
    const engineReason = checkEngine();
    if (engineReason !== undefined) return unavailable(res, engineReason);
    res.json({ status: 'ok', engine, store });
  });
  return router;
}
