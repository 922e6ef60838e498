/** An IANA time zone name the runtime knows (`Europe/Paris`), as settings and visitors' pages give them. */
import { z } from 'zod';

export const timeZoneName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'unknown time zone');
