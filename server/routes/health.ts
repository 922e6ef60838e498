import { Router } from 'express';
import type { ApiContext } from '../context';

/** How long the store has to answer before the instance reports itself unavailable. */
const STORE_PING_TIMEOUT_MS = 2_000;
/** Probes within this long of a check share its answer: the route is public and not rate-limited. */
const CHECK_REUSED_MS = 1_000;

/**
 * `200 {status: "ok", …}` while the store answers; `503 {status: "unavailable", …}` when it does
 * not, or refuses writes (the embedded store after its log failed), so a load balancer or an
 * orchestrator takes the instance out or restarts it. Why is logged once each time it changes, not
 * told to whoever asks (it names files and hosts).
 */
export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  let last: { at: number; failure: Promise<string | undefined> } | undefined;
  let reported: string | undefined;
  const check = (): Promise<string | undefined> => {
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
  router.get('/', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const { engine, store } = ctx.health;
    if ((await check()) === undefined) res.json({ status: 'ok', engine, store });
    else res.status(503).json({ status: 'unavailable', engine, store, reason: 'the store does not answer or refuses writes (the server log says why)' });
  });
  return router;
}
