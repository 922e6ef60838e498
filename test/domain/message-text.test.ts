import { describe, expect, it } from 'vitest';
import { messageTextProblem } from '../../domain/message-text';

describe('messageTextProblem', () => {
  it('counts code points, as people count characters: 10,000 emoji are 10,000, not 20,000 UTF-16 units', () => {
    expect(messageTextProblem('😀'.repeat(10_000))).toBeUndefined();
    expect(messageTextProblem('😀'.repeat(10_001))).toBe('at most 10,000 characters (this is 10,001)');
  });

  it('refuses text with nothing to read, and control characters but tab and line breaks', () => {
    expect(messageTextProblem('\u200b\u200d\u2060')).toBe('text is empty');
    expect(messageTextProblem('a\u0000b')).toBe('no control characters (but tab and line breaks)');
    expect(messageTextProblem('a\u007fb')).toBe('no control characters (but tab and line breaks)');
    expect(messageTextProblem('line\r\nbreak\tand a 👨‍👩‍👧 family')).toBeUndefined();
  });

  it('refuses C1 control characters too: a terminal takes U+009B for an escape sequence, U+0085 is no line break a page shows', () => {
    for (const control of ['\u0080', '\u0085', '\u009b', '\u009f']) {
      expect(messageTextProblem(`a${control}b`)).toBe('no control characters (but tab and line breaks)');
    }
    expect(messageTextProblem('caf\u00e9 \u00a0ok')).toBeUndefined();
  });
});
