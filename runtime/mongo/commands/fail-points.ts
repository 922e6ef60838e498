// configureFailPoint: the test command that sets `failCommand` (../fail-points.ts).
import type { CommandHandler } from './context';

export const failPointCommands: Record<string, CommandHandler> = {
  configureFailPoint: (ctx) => {
    ctx.engine.failPoints.configure(ctx.command);
    return { ok: 1 };
  },
};
