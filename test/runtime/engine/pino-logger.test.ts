import { describe, expect, it } from 'vitest';
import { EngineShutDownError } from '../../../runtime/engine/errors';
import { pinoTemporalLogger, type TemporalLoggerOptions } from '../../../runtime/engine/pino-logger';
import { recordingLog } from '../../support/log-lines';

/** A Temporal logger over pino at `level`, and the JSON lines it wrote. */
function recording(level: string, options?: TemporalLoggerOptions) {
  const { log, lines } = recordingLog(level);
  return { logger: pinoTemporalLogger(log, options), lines };
}

describe('pinoTemporalLogger', () => {
  it('writes what the SDK and the engine log as JSON lines at the matching level, the error serialized under err', () => {
    const { logger, lines } = recording('info');
    logger.warn('Activity failed', { activityType: 'routeConversation', attempt: 2, error: new Error('the model did not answer') });
    logger.log('ERROR', 'Workflow task failed', { workflowId: 'conversation:c1' });
    logger.info('started');
    logger.debug('not at info');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 40, msg: 'Activity failed', activityType: 'routeConversation', attempt: 2, err: { type: 'Error', message: 'the model did not answer' } });
    expect(lines[0]!.err.stack).toContain('the model did not answer');
    expect(lines[0]).not.toHaveProperty('error');
    expect(lines[1]).toMatchObject({ level: 50, msg: 'Workflow task failed', workflowId: 'conversation:c1' });
    expect(lines[2]).toMatchObject({ level: 30, msg: 'started' });
  });

  it('keeps activities cut short by the engine stopping out of the warnings', () => {
    const quiet = recording('info');
    quiet.logger.warn('Activity failed', { activityType: 'routeConversation', error: new EngineShutDownError() });
    expect(quiet.lines).toEqual([]);

    const verbose = recording('debug');
    verbose.logger.warn('Activity failed', { activityType: 'routeConversation', error: new EngineShutDownError() });
    expect(verbose.lines).toEqual([expect.objectContaining({ level: 20, msg: 'Activity failed', err: expect.objectContaining({ message: 'The workflow engine has been shut down' }) })]);
  });

  it('makes the SDK’s warnings debug once the engine is stopping; errors stay errors', () => {
    let stopping = false;
    const { logger, lines } = recording('debug', { stopping: () => stopping });
    logger.warn('Activity failed', { error: new Error('connection closed') });
    stopping = true;
    logger.warn('Activity failed', { error: new Error('client closed') });
    logger.error('Workflow task failed');
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      [40, 'Activity failed'],
      [20, 'Activity failed'],
      [50, 'Workflow task failed'],
    ]);
  });
});
