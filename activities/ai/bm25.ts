/** Okapi BM25 over a handful of documents: enough to pick the knowledge snippet a question is about. */
import { tokenize } from './tokenize';

const K1 = 1.2;
const B = 0.75;

export interface Bm25Hit<T> {
  doc: T;
  score: number;
}

export class Bm25Index<T> {
  private readonly terms: Map<string, number>[];
  private readonly lengths: number[];
  private readonly avgLength: number;
  private readonly docFrequency = new Map<string, number>();

  /**
   * `minCollection`: rarity is judged as if there were at least that many documents, the missing
   * ones without any of the terms. In a collection of one or two, every word's IDF is near zero
   * (one document: ln(4/3)), so no score could reach a threshold set for a larger one.
   */
  constructor(
    private readonly docs: readonly T[],
    textOf: (doc: T) => string,
    private readonly minCollection = 0,
  ) {
    this.terms = docs.map((doc) => {
      const counts = new Map<string, number>();
      for (const term of tokenize(textOf(doc))) counts.set(term, (counts.get(term) ?? 0) + 1);
      return counts;
    });
    this.lengths = this.terms.map((counts) => [...counts.values()].reduce((a, b) => a + b, 0));
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, docs.length);
    for (const counts of this.terms) for (const term of counts.keys()) this.docFrequency.set(term, (this.docFrequency.get(term) ?? 0) + 1);
  }

  /** Documents that share at least one term with the query, best first; ties keep document order. */
  search(query: string): Bm25Hit<T>[] {
    const queryTerms = [...new Set(tokenize(query))];
    const n = Math.max(this.docs.length, this.minCollection);
    const hits: Bm25Hit<T>[] = [];
    this.terms.forEach((counts, i) => {
      let score = 0;
      for (const term of queryTerms) {
        const tf = counts.get(term);
        if (!tf) continue;
        const df = this.docFrequency.get(term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        const length = this.lengths[i] ?? 0;
        score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / (this.avgLength || 1)));
      }
      if (score > 0) hits.push({ doc: this.docs[i] as T, score });
    });
    return hits.sort((a, b) => b.score - a.score);
  }
}
