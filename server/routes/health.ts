import { Router } from 'express';
import type { ApiContext } from '../context';

export function healthRoutes(ctx: ApiContext): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.json({ status: 'ok', engine: ctx.health.engine, store: ctx.health.store });
  });
  return router;
}
