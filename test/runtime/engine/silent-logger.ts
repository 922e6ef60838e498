import type { Logger } from '@temporalio/common';

const ignore = () => undefined;
/** For tests that make activities fail on purpose. */
export const silentLogger: Logger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
