import { describe, expect, it } from 'vitest';
import { defaultAssistantConfig } from '../../../activities/ai/config';
import { DEFAULT_LIFECYCLE_VIEW } from '../../../activities/lifecycle-settings';
import { assistantPatch, assistantValues, dayKey } from '../../../web/inbox/assistant-values';
import { lifecycleBody, lifecycleValues } from '../../../web/inbox/lifecycle-values';
import { changedKeys, placeMessages, saveOutcome } from '../../../web/inbox/settings-values';

describe('saveOutcome', () => {
  const drawn = { name: 'Ada', enabled: true, instructions: 'Be brief' };

  it("puts the reader's changes over the server's values now, keeping what only someone else changed", () => {
    const edited = { ...drawn, enabled: false };
    const now = { ...drawn, instructions: 'Be kind' };
    expect(saveOutcome(drawn, edited, now)).toEqual({ kind: 'save', values: { name: 'Ada', enabled: false, instructions: 'Be kind' }, changed: ['enabled'] });
  });

  it('refuses to save a field someone else changed to something else meanwhile, naming it', () => {
    expect(saveOutcome(drawn, { ...drawn, name: 'Bea', enabled: false }, { ...drawn, name: 'Cy' })).toEqual({ kind: 'conflict', keys: ['name'] });
    // Both made the same change: nothing stands in the way.
    expect(saveOutcome(drawn, { ...drawn, name: 'Bea' }, { ...drawn, name: 'Bea' })).toMatchObject({ kind: 'save', changed: ['name'] });
  });

  it('has nothing to save when nothing was changed', () => {
    expect(saveOutcome(drawn, { ...drawn }, { ...drawn, name: 'Cy' })).toEqual({ kind: 'unchanged' });
    expect(changedKeys(drawn, { ...drawn, instructions: '' })).toEqual(['instructions']);
  });
});

describe('placeMessages', () => {
  const slots = ['welcomeMessages', 'businessHours', 'businessHours.timeZone', 'escalation.handoffMessage'];

  it("puts each refusal at the field (or group) its path names, the most precise that is there, and says the others' paths", () => {
    const { bySlot, unplaced } = placeMessages(
      [
        { path: 'body.welcomeMessages.2', message: 'Too long' },
        { path: 'body.businessHours.timeZone', message: 'unknown time zone' },
        { path: 'body.businessHours.end', message: 'must differ from start' },
        { path: 'body.model', message: 'no such model' },
        { path: 'body', message: 'unreadable' },
      ],
      slots,
    );
    expect(Object.fromEntries(bySlot)).toEqual({ welcomeMessages: ['Too long'], 'businessHours.timeZone': ['unknown time zone'], businessHours: ['must differ from start'] });
    expect(unplaced).toEqual(['model: no such model', 'unreadable']);
  });
});

describe('the assistant form ⇄ PATCH body', () => {
  const config = defaultAssistantConfig({ welcomeMessages: ['Hi!', 'Ask away.'] });

  it('sends only the top-level fields changed', () => {
    const values = { ...assistantValues(config), enabled: false };
    expect(assistantPatch(values, ['enabled'])).toEqual({ enabled: false });
  });

  it('sends welcome messages as paragraphs, and none as null (taking them off)', () => {
    expect(assistantValues(config).welcomeMessages).toBe('Hi!\n\nAsk away.');
    const values = { ...assistantValues(config), welcomeMessages: ' Hello\nthere \n \nBye\n\n' };
    expect(assistantPatch(values, ['welcomeMessages'])).toEqual({ welcomeMessages: ['Hello\nthere', 'Bye'] });
    expect(assistantPatch({ ...values, welcomeMessages: '  \n' }, ['welcomeMessages'])).toEqual({ welcomeMessages: null });
  });

  it('sends only the escalation messages the page shows, leaving the rules set over the API to the server', () => {
    const values = { ...assistantValues(config), 'escalation.awayMessage': 'Back at nine.' };
    expect(assistantPatch(values, ['escalation.awayMessage'])).toEqual({ escalation: { handoffMessage: config.escalation.handoffMessage, awayMessage: 'Back at nine.' } });
  });

  it('sends business hours whole when switched on or changed, and null when switched off', () => {
    const values = assistantValues(config);
    expect(values.businessHours).toBe(false);
    const on = { ...values, businessHours: true, 'businessHours.timeZone': 'Europe/Paris', [dayKey(0)]: true, [dayKey(1)]: false };
    expect(assistantPatch(on, ['businessHours', dayKey(0), dayKey(1)])).toEqual({
      businessHours: { timeZone: 'Europe/Paris', days: [0, 2, 3, 4, 5], start: '09:00', end: '17:00' },
    });
    const hours = { ...config, businessHours: { timeZone: 'UTC', days: [6], start: '10:00', end: '12:00' } };
    expect(assistantValues(hours)[dayKey(6)]).toBe(true);
    expect(assistantPatch({ ...assistantValues(hours), businessHours: false }, ['businessHours'])).toEqual({ businessHours: null });
  });
});

describe('the lifecycle form ⇄ PUT body', () => {
  it('gives back the settings it was drawn from, and an empty minutes field as null', () => {
    const settings = { ...DEFAULT_LIFECYCLE_VIEW, autoResolveAfterMinutes: null, firstResponseMinutes: { ...DEFAULT_LIFECYCLE_VIEW.firstResponseMinutes, low: null } };
    expect(lifecycleBody(lifecycleValues(settings))).toEqual(settings);
    const values = { ...lifecycleValues(settings), autoResolveAfterMinutes: '90', 'firstResponseMinutes.urgent': '', assignOnReply: false };
    expect(lifecycleBody(values)).toMatchObject({ autoResolveAfterMinutes: 90, firstResponseMinutes: { urgent: null }, assignOnReply: false });
  });
});
