import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';

describe('loadConfig', () => {
  it('reads allowed file media types case-insensitively, as requests are compared', () => {
    expect(loadConfig({ FILE_MEDIA_TYPES: 'Image/PNG, text/plain' }).limits.fileMediaTypes).toEqual(['image/png', 'text/plain']);
  });
});
