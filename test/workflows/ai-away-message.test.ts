/**
 * The hand-off message by who is online: the team the conversation is routed to, as its queue
 * knows its agents, tells whether the visitor is promised a reply shortly or given the away
 * message. On the embedded engine with the real store and queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_AWAY_MESSAGE, DEFAULT_HANDOFF_MESSAGE } from '../../activities/ai/config';
import type { Author } from '../../domain/timeline';
import { scriptedModel } from '../ai/mock-model';
import { eventually } from '../runtime/engine/eventually';
import { VISITOR, workflowInput } from './conversation/fixtures';
import { PAST_DEBOUNCE_MS, productHarness, type ProductHarness } from './support/product-harness';

const CAROL: Author = { kind: 'human', id: 'usr_carol' };

describe('conversationWorkflow handing a visitor to the team', () => {
  let h: ProductHarness;
  beforeAll(async () => {
    h = await productHarness('ai_away_message');
    // Online in billing only: the default rules send billing-tagged conversations there, the others to support.
    await h.agentOnline(CAROL, { teams: ['billing'], capacity: 5 });
  });
  afterAll(() => h?.close());

  /** What the AI tells a visitor who asks for a person, the triage tagging the conversation `tags` first. */
  async function toldAfterAsking(tags: string[]): Promise<string[]> {
    const assistant = await h.newAssistant({ model: scriptedModel(tags.length > 0 ? [['tag', { tags }]] : []) });
    const c = await h.newConversation({ assistantId: assistant.id, roster: [...workflowInput().roster, { id: CAROL.id, kind: 'human' }, { id: assistant.id, kind: 'ai' }] });
    await c.post(VISITOR, 'Can I talk to a real person please?');
    await h.passTime(PAST_DEBOUNCE_MS);
    await eventually(async () => expect(await c.state()).toMatchObject({ handler: 'human', tags }));
    let told: string[] = [];
    await eventually(async () => {
      told = (await c.items()).filter((i) => i.type === 'message' && i.author.kind === 'ai').map((i) => i.text ?? '');
      expect(told).toHaveLength(1);
    });
    return told;
  }

  it('promises a reply shortly when someone of the team the triage routes it to is online', async () => {
    expect(await toldAfterAsking(['billing'])).toEqual([DEFAULT_HANDOFF_MESSAGE]);
  });

  it('gives the away message when nobody of that team is online, whoever is online in another', async () => {
    expect(await toldAfterAsking([])).toEqual([DEFAULT_AWAY_MESSAGE]);
  });
});
