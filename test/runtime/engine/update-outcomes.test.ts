import { describe, expect, it } from 'vitest';
import { generatedUpdateId, UpdateOutcomes } from '../../../runtime/engine/embedded/update-outcomes';

const accepted = (id: string) => ({ protocolInstanceId: id, accepted: {} });
const completed = (id: string, data: string) => ({ protocolInstanceId: id, completed: { data: Buffer.from(data) } });
const rejected = (id: string, message: string) => ({ protocolInstanceId: id, rejected: { message, applicationFailureInfo: { type: 'Nope' } } });

describe('UpdateOutcomes', () => {
  it('keeps how an accepted update ended: its result or its failure', () => {
    const outcomes = new UpdateOutcomes();
    for (const response of [accepted('a'), completed('a', '1'), accepted('b'), rejected('b', 'broken')]) outcomes.note(response);
    expect(outcomes.get('a')).toEqual({ completed: { data: Buffer.from('1') } });
    expect(outcomes.get('b')).toEqual({ failed: { message: 'broken', type: 'Nope' } });
  });

  it('keeps nothing for a validator rejection, which may be tried again', () => {
    const outcomes = new UpdateOutcomes();
    outcomes.note(rejected('v', 'invalid'));
    expect(outcomes.get('v')).toBeUndefined();
  });

  it('keeps nothing for the ids the engine made for callers that gave none', () => {
    const outcomes = new UpdateOutcomes();
    const id = generatedUpdateId();
    [accepted(id), completed(id, 'x')].forEach((response) => outcomes.note(response));
    expect(outcomes.get(id)).toBeUndefined();
  });

  it('keeps the latest outcomes only', () => {
    const outcomes = new UpdateOutcomes();
    const ids = Array.from({ length: UpdateOutcomes.KEPT + 1 }, (_, i) => `u${i}`);
    for (const id of ids) [accepted(id), completed(id, id)].forEach((response) => outcomes.note(response));
    expect(outcomes.get('u0')).toBeUndefined();
    expect(outcomes.get('u1')).toBeDefined();
    expect(outcomes.get(ids.at(-1)!)).toBeDefined();
  });
});
