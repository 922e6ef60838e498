import { describe, expect, it } from 'vitest';
import { fileRefusal } from '../../../web/shared/file-limits';

const limits = { maxBytes: 1_024 * 1_024, mediaTypes: ['image/png', 'application/pdf'] };
const file = (name: string, size: number, type: string) => ({ name, size, type });

describe('fileRefusal', () => {
  it('takes a file the server takes, up to the limit, whatever the case of its type', () => {
    expect(fileRefusal(file('shot.png', 1_024 * 1_024, 'image/png'), limits)).toBeUndefined();
    expect(fileRefusal(file('doc.PDF', 10, 'Application/PDF'), limits)).toBeUndefined();
  });

  it('refuses, naming the file and the reason, one too large or of a type the server does not take', () => {
    expect(fileRefusal(file('big.png', 1_024 * 1_024 + 1, 'image/png'), limits)).toBe("big.png can't be sent: files are limited to 1.0 MB");
    expect(fileRefusal(file('run.exe', 10, 'application/x-msdownload'), limits)).toBe("run.exe can't be sent: files of this type are not accepted");
    // A browser that knows no type for the file uploads it as the server would see it: octet-stream.
    expect(fileRefusal(file('data.bin', 10, ''), limits)).toBe("data.bin can't be sent: files of this type are not accepted");
    expect(fileRefusal(file('data.bin', 10, ''), { ...limits, mediaTypes: ['application/octet-stream'] })).toBeUndefined();
  });

  it('refuses, with the reason, an empty file and a name the server refuses', () => {
    const text = { ...limits, mediaTypes: ['text/plain', 'application/pdf'] };
    expect(fileRefusal(file('empty.txt', 0, 'text/plain'), text)).toBe("empty.txt can't be sent: the file is empty");
    expect(fileRefusal(file('a\\b.txt', 3, 'text/plain'), text)).toBe("This file can't be sent: its name is refused (no path separators). Rename it and attach it again.");
    expect(fileRefusal(file('invoice\u202Etxt.exe', 3, 'text/plain'), text)).toBe(
      "This file can't be sent: its name is refused (no control or text-direction characters). Rename it and attach it again.",
    );
    expect(fileRefusal(file(`invoice.pdf${'\u200b'.repeat(30)}.pdf`, 3, 'application/pdf'), text)).toMatch(/no zero-width or other invisible format characters/);
    expect(fileRefusal(file('notes.md', 3, 'text/plain'), text)).toBe("notes.md can't be sent: a file of this type must have a name ending with .txt, .text, .log");
  });
});
