// Secondary (and _id) indexes: a sorted list of (key tuple, document id) entries per index.
import { compareBson } from './bson-order';
import { SortedBlockList } from './sorted-list';
import type { Document } from 'bson';

export interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
  /** A TTL index: the TTL monitor (ttl-monitor.ts) deletes documents whose date in the field is older than this. */
  expireAfterSeconds?: number;
}

export interface IndexEntry {
  key: unknown[];
  /** canonicalKey of the document's _id */
  id: string;
}

/** Values of a dotted path, expanding arrays as MongoDB does for multikey indexes; missing → null. */
export function pathValues(doc: unknown, path: string): { values: unknown[]; viaArray: boolean } {
  if (!path.includes('.')) {
    const value = (doc as Document)[path];
    if (!Array.isArray(value)) return { values: [value === undefined ? null : value], viaArray: false };
  }
  const parts = path.split('.');
  let viaArray = false;
  let current: unknown[] = [doc];
  for (const part of parts) {
    const next: unknown[] = [];
    for (const value of current) {
      if (Array.isArray(value)) {
        viaArray = true;
        for (const element of value) {
          if (element !== null && typeof element === 'object' && part in element) next.push((element as Document)[part]);
        }
        if (/^\d+$/.test(part) && Number(part) < value.length) next.push(value[Number(part)]);
      } else if (value !== null && typeof value === 'object' && part in value) {
        next.push((value as Document)[part]);
      }
    }
    current = next;
  }
  const values: unknown[] = [];
  for (const value of current) {
    if (Array.isArray(value)) {
      viaArray = true;
      if (value.length === 0) values.push(null);
      else values.push(...value);
    } else values.push(value === undefined ? null : value);
  }
  if (values.length === 0) values.push(null);
  return { values, viaArray };
}

export class Index {
  readonly fields: string[];
  readonly directions: Array<1 | -1>;
  private readonly descending: boolean[];
  readonly entries: SortedBlockList<IndexEntry>;
  /** Some document had an array on an indexed path: bounds and sort order must be used with care. */
  multikey = false;
  private readonly topLevelFields: boolean;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f]! < 0 ? -1 : 1));
    this.descending = this.directions.map((d) => d < 0);
    this.topLevelFields = this.fields.every((f) => !f.includes('.'));
    this.entries = new SortedBlockList((a, b) => this.compareKeys(a.key, b.key) || (a.id === b.id ? 0 : a.id < b.id ? -1 : 1));
  }

  get name(): string {
    return this.spec.name;
  }

  get unique(): boolean {
    return this.spec.unique === true;
  }

  /** Compares the first `length` fields of two key tuples in index order. */
  compareKeys(a: unknown[], b: unknown[], length = this.fields.length): number {
    for (let i = 0; i < length; i++) {
      const c = compareBson(a[i], b[i]);
      if (c !== 0) return this.descending[i] ? -c : c;
    }
    return 0;
  }

  keysOf(doc: Document): unknown[][] {
    return (this.topLevelFields && this.topLevelKeys(doc)) || this.keysByPath(doc);
  }

  /** keysOf without its fast path: the reference it must agree with (public for tests that check both agree). */
  keysByPath(doc: Document): unknown[][] {
    let tuples: unknown[][] = [[]];
    for (const field of this.fields) {
      const { values, viaArray } = pathValues(doc, field);
      if (viaArray) this.multikey = true;
      tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
    }
    if (tuples.length <= 1) return tuples;
    const distinct: unknown[][] = [];
    for (const tuple of tuples) if (!distinct.some((t) => this.compareKeys(t, tuple) === 0)) distinct.push(tuple);
    return distinct;
  }

  /**
   * The keys of `doc` when every indexed field is top-level and at most one holds an array (a tags
   * field): one key per distinct element, or null for an empty array, as keysByPath gives them.
   */
  private topLevelKeys(doc: Document): unknown[][] | undefined {
    const key = new Array<unknown>(this.fields.length);
    let arrayAt = -1;
    for (let i = 0; i < key.length; i++) {
      const value = doc[this.fields[i]!];
      if (Array.isArray(value)) {
        if (arrayAt >= 0) return undefined;
        arrayAt = i;
      }
      key[i] = value === undefined ? null : value;
    }
    if (arrayAt < 0) return [key];
    this.multikey = true;
    const elements = key[arrayAt] as unknown[];
    if (elements.length === 0) {
      key[arrayAt] = null;
      return [key];
    }
    const keys: unknown[][] = [];
    for (const element of elements) {
      if (!keys.some((k) => compareBson(k[arrayAt], element) === 0)) keys.push(withValue(key, arrayAt, element));
    }
    return keys;
  }

  add(id: string, keys: unknown[][]): void {
    for (const key of keys) this.entries.insert({ key, id });
  }

  remove(id: string, keys: readonly unknown[][]): void {
    for (const key of keys) this.entries.remove({ key, id });
  }

  /** Whether two documents' keys (from keysOf) are the same entries. */
  sameKeys(a: readonly unknown[][], b: readonly unknown[][]): boolean {
    return a.length === b.length && a.every((key, i) => this.compareKeys(key, b[i]!) === 0);
  }

  /**
   * Whether two versions of a document hold the very same values in every indexed field, so that
   * their keys are the same without computing them: updates share the fields they leave alone.
   */
  sameFields(a: Document, b: Document): boolean {
    if (!this.topLevelFields) return false;
    for (const field of this.fields) if (a[field] !== b[field]) return false;
    return true;
  }

  rebuild(docs: Iterable<[string, Document]>): void {
    const entries: IndexEntry[] = [];
    for (const [id, doc] of docs) for (const key of this.keysOf(doc)) entries.push({ key, id });
    this.entries.load(entries);
  }

  /** For a unique index: the first of `keys` (from keysOf) that another document already holds, if any. */
  conflictingKey(id: string, keys: unknown[][]): unknown[] | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      // One key's entries sort by id, and '' sorts before every id: the first entry of `key`, then,
      // if that is this document's own, the next one (id + '\0' is the least string above id).
      let entry = this.entries.ceiling({ key, id: '' });
      if (entry?.id === id) entry = this.entries.ceiling({ key, id: id + '\0' });
      if (entry && this.compareKeys(entry.key, key) === 0) return key;
    }
    return undefined;
  }
}

function withValue(key: unknown[], at: number, value: unknown): unknown[] {
  const copy = key.slice();
  copy[at] = value;
  return copy;
}
