// Secondary (and _id) indexes: a sorted list of (key tuple, document id) entries per index.
import { compareBson } from './bson-order';
import { SortedBlockList } from './sorted-list';
import type { Document } from 'bson';

export interface IndexSpec {
  name: string;
  key: Record<string, 1 | -1>;
  unique?: boolean;
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
  readonly entries: SortedBlockList<IndexEntry>;
  /** Some document had an array on an indexed path: bounds and sort order must be used with care. */
  multikey = false;
  private readonly topLevelFields: boolean;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f]! < 0 ? -1 : 1));
    this.topLevelFields = this.fields.every((f) => !f.includes('.'));
    this.entries = new SortedBlockList((a, b) => this.compareEntries(a, b));
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
      if (c !== 0) return c * this.directions[i]!;
    }
    return 0;
  }

  private compareEntries(a: IndexEntry, b: IndexEntry): number {
    return this.compareKeys(a.key, b.key) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  keysOf(doc: Document): unknown[][] {
    const simple = this.topLevelKey(doc);
    if (simple) return [simple];
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

  /** The one key of `doc` when every indexed field is top-level and not an array (what pathValues gives then). */
  private topLevelKey(doc: Document): unknown[] | undefined {
    if (!this.topLevelFields) return undefined;
    const key = new Array<unknown>(this.fields.length);
    for (let i = 0; i < this.fields.length; i++) {
      const value = doc[this.fields[i]!];
      if (Array.isArray(value)) return undefined;
      key[i] = value === undefined ? null : value;
    }
    return key;
  }

  add(id: string, doc: Document, keys = this.keysOf(doc)): void {
    for (const key of keys) this.entries.insert({ key, id });
  }

  remove(id: string, doc: Document): void {
    for (const key of this.keysOf(doc)) this.entries.remove({ key, id });
  }

  /** Whether two documents' keys (from keysOf) are the same entries. */
  sameKeys(a: unknown[][], b: unknown[][]): boolean {
    return a.length === b.length && a.every((key, i) => this.compareKeys(key, b[i]!) === 0);
  }

  /** Moves a document's entries to its new version; most updates change no indexed field, and then nothing moves. */
  update(id: string, previous: Document, next: Document, keys = this.keysOf(next), old = this.keysOf(previous)): void {
    if (this.sameKeys(old, keys)) return;
    for (const key of old) this.entries.remove({ key, id });
    this.add(id, next, keys);
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
      const position = this.entries.lowerBound((entry) => this.compareKeys(entry.key, key));
      for (const entry of this.entries.forward(position)) {
        if (this.compareKeys(entry.key, key) !== 0) break;
        if (entry.id !== id) return key;
      }
    }
    return undefined;
  }
}
