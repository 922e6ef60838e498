// Filters whose `$expr` (at their top or in their $and/$or clauses) compiles (expression-compiler.ts)
// are matched by the compiled closure; their other conditions keep the usual path. Conditions run in
// mingo's order (its keys' order, stopping at the first that decides), so a document that a compiled
// expression leaves to mingo has been judged alike up to there.
import type { Document } from 'bson';
import { compileCondition } from './expression-compiler';
import type { SimpleMatcher } from './simple-filter';
import { isPlainObject } from './value-kinds';

type CompileOther = (filter: Document) => { test(doc: Document): boolean };

/**
 * Runs the parts in order until one answers other than `passOn` (true for a conjunction, false for a
 * disjunction), and gives that answer: the other verdict, or undefined (leave it to mingo).
 */
const chain =
  (parts: SimpleMatcher[], passOn: boolean): SimpleMatcher =>
  (doc) => {
    for (const part of parts) {
      const matched = part(doc);
      if (matched !== passOn) return matched;
    }
    return passOn;
  };

function compileClauses(operator: '$and' | '$or', clauses: unknown, compileOther: CompileOther): SimpleMatcher | undefined {
  // mingo accepts an empty list, which MongoDB refuses: left to mingo with the rest.
  if (!Array.isArray(clauses) || clauses.length === 0 || !clauses.every(isPlainObject)) return undefined;
  const compiled = clauses.map((clause) => compileExprFilter(clause, compileOther));
  if (compiled.every((matcher) => matcher === undefined)) return undefined;
  const parts = compiled.map((matcher, i): SimpleMatcher => {
    if (matcher) return matcher;
    const other = compileOther(clauses[i]!);
    return (doc) => other.test(doc);
  });
  return chain(parts, operator === '$and');
}

/**
 * The matcher of a filter holding a `$expr` that compiles, or undefined for any other filter.
 * `compileOther` compiles its other conditions (compileFilter).
 */
export function compileExprFilter(filter: Document, compileOther: CompileOther): SimpleMatcher | undefined {
  if ('$where' in filter) return undefined; // mingo runs $where out of its keys' order
  const parts: SimpleMatcher[] = [];
  let others: Document | undefined; // consecutive other conditions, matched together
  const flush = (): void => {
    if (!others) return;
    const matcher = compileOther(others);
    parts.push((doc) => matcher.test(doc));
    others = undefined;
  };
  let compiled = false;
  for (const [key, value] of Object.entries(filter)) {
    let part: SimpleMatcher | undefined;
    if (key === '$expr') part = compileCondition(value);
    else if (key === '$and' || key === '$or') part = compileClauses(key, value, compileOther);
    if (!part) {
      (others ??= {})[key] = value;
      continue;
    }
    flush();
    parts.push(part);
    compiled = true;
  }
  if (!compiled) return undefined;
  flush();
  return parts.length === 1 ? parts[0] : chain(parts, true);
}
