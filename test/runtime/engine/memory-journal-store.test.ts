import { describe } from 'vitest';
import { MemoryJournalStore } from '../../../runtime/engine/memory-journal-store';
import { describeJournalStoreContract } from './journal-store-contract';

describe('MemoryJournalStore', () => {
  describeJournalStoreContract('in memory', async () => ({ store: new MemoryJournalStore(), close: async () => undefined }));
});
