import { Router } from 'express';
import type { ApiContext } from '../context';

/** How long the store has to answer before the instance reports itself unavailable. */
const STORE_PING_TIMEOUT_MS = 2_000;

/**
 * `200 {status: "ok", …}` while the store answers; `503 {status: "unavailable", …, reason}` when it
 * does not, or refuses writes (the embedded store after its log failed), so a load balancer or an
 * orchestrator takes the instance out or restarts it.
 */
export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const { engine, store } = ctx.health;
    try {
      await ctx.store.ping(STORE_PING_TIMEOUT_MS);
      res.json({ status: 'ok', engine, store });
    } catch (err) {
      ctx.log.warn({ err }, 'health check: the store did not answer');
      res.status(503).json({ status: 'unavailable', engine, store, reason: `store: ${err instanceof Error ? err.message : String(err)}` });
    }
  });
  return router;
}
