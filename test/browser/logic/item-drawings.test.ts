import { describe, expect, it } from 'vitest';
import { ItemDrawings } from '../../../web/shared/item-drawings';
import { describeItem, type ItemView, type ReaderContext } from '../../../web/shared/item-view';
import { Timeline } from '../../../web/shared/timeline';
import { wordsText } from '../../../web/shared/words';
import { AGENT, event, message, VISITOR } from './items';

/** A system line's sentence as plain text; another item's kind. */
const sentenceOf = (view: ItemView | undefined) => (view?.kind === 'system' ? wordsText(view.text) : view?.kind);

/** A timeline of `count` messages, the visitor's and the agent's by turns. */
function longTimeline(count: number): Timeline {
  const timeline = new Timeline('c1');
  for (let seq = 1; seq <= count; seq++) timeline.upsert(message(seq, seq % 2 ? VISITOR : AGENT, `Message ${seq}`));
  return timeline;
}

/** Drawings of plain objects, noting the seq of each item described and of each view drawn. */
function drawingsFor(context: ReaderContext) {
  const done = { described: [] as number[], drawn: [] as number[] };
  const drawings = new ItemDrawings(context, {
    describe: (item, readerContext) => (done.described.push(item.seq), describeItem(item, readerContext)),
    draw: (view) => (done.drawn.push(view.seq), { view }),
  });
  /** What was described and drawn since last asked. */
  const work = () => ({ described: done.described.splice(0), drawn: done.drawn.splice(0) });
  return { drawings, work };
}

const names = new Map<string, string>();
const agentReads: ReaderContext = { reader: 'agent', nameOf: (id) => names.get(id), isOwn: (actor) => actor.kind === 'human' && actor.id === 'agent_alex' };

describe('ItemDrawings', () => {
  describe('#update', () => {
    it('describes and draws only the item that arrived in a timeline of 300, keeping the others', () => {
      const timeline = longTimeline(300);
      const { drawings, work } = drawingsFor(agentReads);
      const first = drawings.update(timeline.items());
      expect(work().described).toHaveLength(300);

      timeline.upsert(message(301, VISITOR, 'One more thing'));
      const next = drawings.update(timeline.items());
      expect(work()).toEqual({ described: [301], drawn: [301] });
      expect([...next.drawn].map((drawing) => drawing.item.seq)).toEqual([301]);
      expect(next.drawings.slice(0, 300).map((drawing) => drawing.element)).toEqual(first.drawings.map((drawing) => drawing.element));
      // Drawn again with nothing changed (someone typing): nothing is described.
      drawings.update(timeline.items());
      expect(work()).toEqual({ described: [], drawn: [] });
    });

    it('describes and draws again only an item that changed', () => {
      const timeline = longTimeline(300);
      const { drawings, work } = drawingsFor(agentReads);
      drawings.update(timeline.items());
      work();
      timeline.upsert(message(150, AGENT, 'Message 150, corrected'));
      const next = drawings.update(timeline.items());
      expect(work()).toEqual({ described: [150], drawn: [150] });
      expect(next.drawings[149]?.view).toMatchObject({ text: 'Message 150, corrected' });
    });

    it('keeps the elements of items read again as they were (another copy, the same view)', () => {
      const timeline = longTimeline(3);
      const { drawings, work } = drawingsFor(agentReads);
      const first = drawings.update(timeline.items());
      work();
      const next = drawings.update(timeline.items().map((item) => ({ ...item })));
      expect(work()).toEqual({ described: [1, 2, 3], drawn: [] });
      expect(next.drawn.size).toBe(0);
      expect(next.drawings.map((drawing) => drawing.element)).toEqual(first.drawings.map((drawing) => drawing.element));
    });

    it('describes every item again once a name one of them showed is learnt, and draws again those that show it', () => {
      names.clear();
      const timeline = longTimeline(300);
      const { drawings, work } = drawingsFor(agentReads);
      drawings.update(timeline.items());
      work();
      names.set('agent_alex', 'Sarah');
      const next = drawings.update(timeline.items());
      const { described, drawn } = work();
      expect(described).toHaveLength(300);
      expect(drawn).toEqual(timeline.items().filter((item) => item.author.kind === 'human').map((item) => item.seq));
      expect(next.drawings[1]?.view).toMatchObject({ author: 'Sarah' });
      drawings.update(timeline.items());
      expect(work()).toEqual({ described: [], drawn: [] });
    });

    it('describes again a pause of the assistant once its time is told with its day', () => {
      let day = 'today';
      const context: ReaderContext = { ...agentReads, formatTime: (iso) => (day === 'today' ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`) };
      const { drawings, work } = drawingsFor(context);
      const items = [message(1, VISITOR, 'Hello'), event(2, { kind: 'ai_paused', data: { until: '2026-01-01T18:00:00.000Z' } })];
      drawings.update(items);
      work();
      day = 'the next day';
      const next = drawings.update(items);
      expect(work().drawn).toEqual([2]);
      expect(sentenceOf(next.drawings[1]?.view)).toBe('AI assistant paused until 01-01 18:00');
    });

    it('says from whom an assignment took the conversation, from the assignments before it', () => {
      names.set('agent_alex', 'Sarah').set('usr_sam', 'Sam');
      const { drawings } = drawingsFor(agentReads);
      const items = [
        event(1, { kind: 'assigned', targetId: 'agent_alex' }),
        event(2, { kind: 'assigned', targetId: 'usr_sam' }),
        // Sam leaves, and is unassigned with it: the next assignment takes it from nobody.
        event(3, { kind: 'participant_left', targetId: 'usr_sam' }),
        event(4, { kind: 'unassigned', targetId: 'usr_sam' }),
        event(5, { kind: 'assigned', targetId: 'agent_alex' }),
      ];
      expect(drawings.update(items).drawings.map(({ view }) => sentenceOf(view))).toEqual([
        'Assigned to Sarah',
        'Reassigned from Sarah to Sam',
        'Sam left',
        'Sam was unassigned',
        'Assigned to Sarah',
      ]);
    });

    it('tells a reassignment drawn before the items before it were read once they are, drawing again only it', () => {
      names.set('agent_alex', 'Sarah').set('usr_sam', 'Sam');
      const { drawings, work } = drawingsFor(agentReads);
      const older = [event(1, { kind: 'assigned', targetId: 'agent_alex' }), message(2, VISITOR, 'Hello?')];
      const newest = [event(3, { kind: 'assigned', targetId: 'usr_sam' }), message(4, VISITOR, 'Anyone?')];
      expect(sentenceOf(drawings.update(newest).drawings[0]?.view)).toBe('Assigned to Sam');
      work();
      const next = drawings.update([...older, ...newest]);
      expect(sentenceOf(next.drawings[2]?.view)).toBe('Reassigned from Sarah to Sam');
      expect(work().drawn).toEqual([1, 2, 3]);
    });
  });
});
