import { describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholderValues, unfilledIn, unknownPlaceholders } from '../../domain/saved-reply-placeholders';

const ada = placeholderValues({ name: 'Ada Lovelace', email: 'ada@example.com' }, 'Alex Kim');
const anonymous = placeholderValues(undefined, 'Alex Kim');
const spans = (text: string) => unfilledIn(text).map(({ start, end }) => text.slice(start, end));

describe('saved reply placeholders', () => {
  describe('#fillPlaceholders', () => {
    it("fills each placeholder with the conversation's value, spaces inside the braces aside", () => {
      expect(fillPlaceholders('Hi {{visitor.firstName}} ({{ visitor.email }}), {{agent.firstName}} here. {{visitor.name}} / {{agent.name}}', ada)).toBe(
        'Hi Ada (ada@example.com), Alex here. Ada Lovelace / Alex Kim',
      );
    });

    it('writes the fallback after | when the value is unknown, and ignores it when known', () => {
      expect(fillPlaceholders('Hi {{visitor.firstName | there}}!', anonymous)).toBe('Hi there!');
      expect(fillPlaceholders('Hi {{visitor.firstName | there}}!', ada)).toBe('Hi Ada!');
      // An empty fallback writes nothing; a | within the fallback is part of it.
      expect(fillPlaceholders('Hi{{visitor.firstName|}}!', anonymous)).toBe('Hi!');
      expect(fillPlaceholders('{{visitor.name | a | b}}', anonymous)).toBe('a | b');
    });

    it('leaves a placeholder with neither value nor fallback as written, for `unfilledIn` to find', () => {
      const text = fillPlaceholders('{{agent.firstName}}: {{visitor.name}}, mail {{ visitor.email }}', anonymous);
      expect(text).toBe('Alex: {{visitor.name}}, mail {{ visitor.email }}');
      expect(spans(text)).toEqual(['{{visitor.name}}', '{{ visitor.email }}']);
    });

    it("leaves alone braces outside the visitor and agent names (a templating language's), and a name under them it does not know", () => {
      const templates = 'Use {{#each items}}{{ product.title | upcase }}{{/each}} or {{}}, and {{visitor.nmae | x}}.';
      expect(fillPlaceholders(templates, ada)).toBe(templates);
      expect(spans(templates)).toEqual([]);
    });

    it('leaves text without placeholders, single braces and unclosed ones alone', () => {
      for (const plain of ['No placeholders here.', 'a {single} brace', '{{visitor.name', 'code: {{}', '']) expect(fillPlaceholders(plain, ada)).toBe(plain);
    });

    it('reads a long run of spaces in open braces in one pass (a pattern that backtracks would take minutes)', () => {
      const text = `{{${' '.repeat(9_000)}.`;
      expect(fillPlaceholders(text, ada)).toBe(text);
      expect(unknownPlaceholders(`{{visitor.${' '.repeat(9_000)}|${' '.repeat(9_000)}.`)).toEqual([]);
    });
  });

  describe('#unknownPlaceholders', () => {
    it('names each unknown name under visitor. or agent. once, and nothing else', () => {
      expect(unknownPlaceholders('{{visitor.nmae}} {{visitor.firstName}} {{ agent.title | ? }} {{visitor.nmae}} {{}} {{order.id}} {{#if x}}')).toEqual(['visitor.nmae', 'agent.title']);
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
