import { describe, expect, it } from 'vitest';
import { pinoTemporalLogger } from '../../../runtime/engine/pino-logger';
import { recordingLog } from '../../support/log-lines';

/** A Temporal logger over pino at `level`, and the JSON lines it wrote. */
function recording(level: string) {
  const { log, lines } = recordingLog(level);
  return { logger: pinoTemporalLogger(log), lines };
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
});
