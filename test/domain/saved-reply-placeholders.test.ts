import { describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholderValues, unknownPlaceholders } from '../../domain/saved-reply-placeholders';

const ada = placeholderValues({ name: 'Ada Lovelace', email: 'ada@example.com' }, 'Alex Kim');
const anonymous = placeholderValues(undefined, 'Alex Kim');

describe('saved reply placeholders', () => {
  describe('#fillPlaceholders', () => {
    it("fills each placeholder with the conversation's value, spaces inside the braces aside", () => {
      const { text, unfilled } = fillPlaceholders('Hi {{visitor.firstName}} ({{ visitor.email }}), {{agent.firstName}} here. {{visitor.name}} / {{agent.name}}', ada);
      expect(text).toBe('Hi Ada (ada@example.com), Alex here. Ada Lovelace / Alex Kim');
      expect(unfilled).toEqual([]);
    });

    it('writes the fallback after | when the value is unknown, and ignores it when known', () => {
      expect(fillPlaceholders('Hi {{visitor.firstName | there}}!', anonymous).text).toBe('Hi there!');
      expect(fillPlaceholders('Hi {{visitor.firstName | there}}!', ada).text).toBe('Hi Ada!');
      // An empty fallback writes nothing.
      expect(fillPlaceholders('Hi{{visitor.firstName|}}!', anonymous).text).toBe('Hi!');
    });

    it('leaves a placeholder with neither value nor fallback as written, and says where each stands in the filled text', () => {
      const { text, unfilled } = fillPlaceholders('{{agent.firstName}}: {{visitor.name}}, mail {{visitor.email}}', anonymous);
      expect(text).toBe('Alex: {{visitor.name}}, mail {{visitor.email}}');
      expect(unfilled.map(({ start, end }) => text.slice(start, end))).toEqual(['{{visitor.name}}', '{{visitor.email}}']);
    });

    it('leaves text without placeholders, single braces and unclosed ones alone', () => {
      for (const plain of ['No placeholders here.', 'a {single} brace', '{{visitor.name', 'code: {{}', '']) {
        expect(fillPlaceholders(plain, ada)).toEqual({ text: plain, unfilled: [] });
      }
    });
  });

  describe('#unknownPlaceholders', () => {
    it('names each unknown placeholder once, and none of the known ones', () => {
      expect(unknownPlaceholders('{{visitor.nmae}} {{visitor.firstName}} {{ order.id | ? }} {{visitor.nmae}} {{}}')).toEqual(['visitor.nmae', 'order.id', '']);
      expect(unknownPlaceholders('{{visitor.name}} {{visitor.firstName|x}} {{visitor.email}} {{agent.name}} {{agent.firstName}}')).toEqual([]);
    });
  });

  describe('#placeholderValues', () => {
    it("takes a first name as the name's first word, and leaves out what is blank or missing", () => {
      expect(placeholderValues({ name: '  Grace   Hopper ' }, ' ')).toEqual({ 'visitor.name': 'Grace   Hopper', 'visitor.firstName': 'Grace' });
      expect(placeholderValues({ email: 'x@example.com' }, undefined)).toEqual({ 'visitor.email': 'x@example.com' });
      expect(placeholderValues({ name: '   ' }, 'Cher')).toEqual({ 'agent.name': 'Cher', 'agent.firstName': 'Cher' });
    });
  });
});
