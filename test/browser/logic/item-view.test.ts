import { describe, expect, it } from 'vitest';
import type { TimelineEvent, TimelineItem } from '../../../domain/timeline';
import { describeEvent, describeItem, itemPreview, type ReaderContext } from '../../../web/shared/item-view';
import { wordsText } from '../../../web/shared/words';
import { AGENT, AI, event, message, VISITOR } from './items';

const names: Record<string, string> = { agent_alex: 'Sarah', ai_assistant: 'Acme Assistant' };
const visitorReads: ReaderContext = { reader: 'visitor', nameOf: (id) => names[id], isOwn: (actor) => actor.kind === 'visitor' };
const agentReads: ReaderContext = { reader: 'agent', nameOf: (id) => names[id], isOwn: (actor) => actor.kind === 'human' && actor.id === 'agent_alex' };

describe('describeItem', () => {
  it("puts the reader's own messages on their side", () => {
    expect(describeItem(message(1, VISITOR, 'hi'), visitorReads)).toMatchObject({ kind: 'message', side: 'mine', author: 'You' });
    expect(describeItem(message(1, VISITOR, 'hi'), agentReads)).toMatchObject({ side: 'theirs', author: 'Visitor' });
    expect(describeItem(message(2, AGENT, 'hello'), agentReads)).toMatchObject({ side: 'mine', author: 'Sarah' });
  });

  it('marks AI answers as such', () => {
    expect(describeItem(message(2, AI, 'Try this'), visitorReads)).toMatchObject({ kind: 'message', byAi: true, author: 'Acme Assistant' });
  });

  it('turns events into short system lines', () => {
    expect(describeItem(event(3, { kind: 'participant_joined', targetId: 'agent_alex' }), visitorReads)).toMatchObject({ kind: 'system', text: [{ written: 'Sarah' }, ' joined'] });
    expect(describeItem(event(4, { kind: 'resolved', data: {} }), visitorReads)).toMatchObject({ kind: 'system', text: ['Conversation resolved'] });
  });

  it('shows notes and AI tool calls as their own kinds', () => {
    const note = { ...message(5, AGENT, 'verified'), type: 'note', visibility: 'private' } as TimelineItem;
    expect(describeItem(note, agentReads)).toMatchObject({ kind: 'note', text: 'verified', author: 'Sarah' });
    const call = { ...message(6, AI, ''), type: 'ai_tool_call', visibility: 'private', toolName: 'escalate', input: { reason: 'asked' }, state: 'accepted' } as TimelineItem;
    expect(describeItem(call, agentReads)).toMatchObject({ kind: 'tool_call', toolName: 'escalate', state: 'accepted', input: { reason: 'asked' } });
  });

  it('gives the files of messages and notes with where they are served, images marked to be shown with their size', () => {
    const parts = [
      { type: 'text', text: 'see attached' },
      { type: 'file', fileId: 'f1', filename: 'screen.png', mediaType: 'image/png', size: 2048, url: '/v1/files/f1', width: 800, height: 600 },
      { type: 'file', fileId: 'f2', filename: 'invoice.pdf', mediaType: 'application/pdf', size: 10, url: '/v1/files/f2' },
      // An image type that can carry script (an operator may allow it): a download, never shown.
      { type: 'file', fileId: 'f3', filename: 'logo.svg', mediaType: 'image/svg+xml', size: 99, url: '/v1/files/f3' },
    ];
    const withFiles = { ...message(7, VISITOR, ''), text: undefined, parts } as unknown as TimelineItem;
    expect(describeItem(withFiles, agentReads)).toMatchObject({
      kind: 'message',
      text: 'see attached',
      files: [
        { name: 'screen.png', size: 2048, url: '/v1/files/f1', image: true, width: 800, height: 600 },
        { name: 'invoice.pdf', size: 10, url: '/v1/files/f2', image: false },
        { name: 'logo.svg', size: 99, url: '/v1/files/f3', image: false },
      ],
    });
    const note = { ...withFiles, type: 'note', visibility: 'private', parts: parts.slice(1, 2) } as unknown as TimelineItem;
    expect(describeItem(note, agentReads)).toMatchObject({ kind: 'note', text: '', files: [{ name: 'screen.png', url: '/v1/files/f1' }] });
    expect(itemPreview(note, agentReads)).toBe('screen.png');
  });

  it('lets only a visitor answer quick replies that are not answered yet', () => {
    const offer = { ...message(7, AI, ''), type: 'quick_replies', prompt: 'Which plan?', options: [{ id: 'pro', label: 'Pro' }] } as TimelineItem;
    expect(describeItem(offer, visitorReads)).toMatchObject({ kind: 'quick_replies', canAnswer: true });
    expect(describeItem(offer, agentReads)).toMatchObject({ canAnswer: false });
    expect(describeItem({ ...offer, answeredOptionId: 'pro' }, visitorReads)).toMatchObject({ canAnswer: false, answeredOptionId: 'pro' });
  });
});

describe('describeEvent', () => {
  /** The event's sentence as plain text. */
  const sentence = (...args: Parameters<typeof describeEvent>) => wordsText(describeEvent(...args).text);

  it('names someone unknown as "An agent"', () => {
    expect(sentence({ kind: 'assigned', targetId: 'nobody' }, visitorReads)).toBe('Assigned to An agent');
  });

  it('says whom a reassignment took the conversation from, leaving out someone the reader has no name for', () => {
    expect(sentence({ kind: 'assigned', targetId: 'usr_sam' }, agentReads, 'agent_alex')).toBe('Reassigned from Sarah to an agent');
    expect(sentence({ kind: 'assigned', targetId: 'agent_alex' }, agentReads, 'usr_sam')).toBe('Reassigned to Sarah');
  });

  it('takes whom a reassignment took the conversation from out of the event when it names them', () => {
    const reassigned = { kind: 'assigned', targetId: 'usr_sam', data: { previousAssigneeId: 'agent_alex' } } as const;
    expect(sentence(reassigned, agentReads)).toBe('Reassigned from Sarah to an agent');
  });

  it('says a title was set, or removed', () => {
    expect(sentence({ kind: 'title_changed', data: { title: 'Double charge' } }, agentReads)).toBe('Title set to “Double charge”');
    expect(sentence({ kind: 'title_changed', data: { title: null } }, agentReads)).toBe('Title removed');
  });

  it('sets apart the names, tags and titles people wrote, to be shown in their own direction', () => {
    expect(describeEvent({ kind: 'title_changed', data: { title: 'החזר' } }, agentReads).text).toEqual(['Title set to “', { written: 'החזר' }, '”']);
    expect(describeEvent({ kind: 'tag_added', data: { tag: 'vip' } }, agentReads).text).toEqual(['Tagged “', { written: 'vip' }, '”']);
    expect(describeEvent({ kind: 'assigned', targetId: 'usr_sam' }, agentReads, 'agent_alex').text).toEqual(['Reassigned from ', { written: 'Sarah' }, ' to ', 'an agent']);
  });

  it('gives the reason as detail', () => {
    expect(describeEvent({ kind: 'escalated', data: { reason: 'Asked for a person' } }, agentReads)).toEqual({
      text: ['Handed over to the support team'],
      detail: 'Asked for a person',
    });
  });

  it('gives the reason an agent left, unassigned, handed back or resumed the AI with as detail, and none on events without one', () => {
    const reason = { reason: 'Going off shift' };
    const details = [
      { kind: 'participant_left', targetId: 'usr_sam', data: reason },
      { kind: 'unassigned', targetId: 'usr_sam', data: reason },
      { kind: 'handed_back', data: reason },
      { kind: 'ai_resumed', data: reason },
    ].map((event) => describeEvent(event as TimelineEvent, agentReads).detail);
    expect(details).toEqual(Array(4).fill('Going off shift'));
    expect(describeEvent({ kind: 'participant_left', targetId: 'agent_alex' }, agentReads)).toEqual({ text: [{ written: 'Sarah' }, ' left'] });
  });
});

describe('itemPreview', () => {
  it('is the text of a message and the sentence of an event', () => {
    expect(itemPreview(message(1, VISITOR, 'hi there'), agentReads)).toBe('hi there');
    expect(itemPreview(event(2, { kind: 'reopened', data: {} }), agentReads)).toBe('Conversation reopened');
  });
});
