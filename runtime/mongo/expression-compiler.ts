// Aggregation expressions compiled to closures, for filters that run once per document: a change
// stream's `$match` with `$expr` runs on every event, and mingo walks the expression tree each
// time. Covers field paths, $$ROOT/$$CURRENT and $map's variables, literals and the operators in
// OPERATORS, in the argument shapes both mingo and MongoDB accept; any other expression compiles to
// undefined and stays with mingo. Values are compared as MongoDB compares them (expression-comparison.ts,
// which mingo runs too) and otherwise judged by expression-values.ts, which gives up on a document
// where mingo and MongoDB would part.
import type { Document } from 'bson';
import { compareValues } from './expression-comparison';
import { giveUp, readPath, setDifference, truthy, UNDECIDED } from './expression-values';
import { isPlainObject } from './value-kinds';

export { UNDECIDED } from './expression-values';

/** `vars` holds the values of the variables bound by enclosing $map expressions, one slot each. */
type Node = (doc: Document, vars: unknown[]) => unknown;
/** The names of those variables, by slot (a nested binding of a name shadows the outer one). */
type Scope = readonly string[];
type Operator = (operand: unknown, scope: Scope) => Node | undefined;

/** An expression's value for a document, or UNDECIDED where mingo must judge it. */
export type CompiledExpression = (doc: Document) => unknown;

/** The operand's argument list when it is an array of `min` to `max` compilable expressions. */
function compileArgs(operand: unknown, scope: Scope, min: number, max = min): Node[] | undefined {
  if (!Array.isArray(operand) || operand.length < min || operand.length > max) return undefined;
  const args = operand.map((arg) => compileNode(arg, scope));
  return args.every((arg) => arg !== undefined) ? (args as Node[]) : undefined;
}

/** A one-argument operand. An array there is MongoDB's argument list but mingo's array literal: left to mingo. */
const single = (operand: unknown, scope: Scope): Node | undefined => (Array.isArray(operand) ? undefined : compileNode(operand, scope));

/** An operator of two arguments, both evaluated (as mingo does) before `apply` sees them. */
const binary =
  (apply: (a: unknown, b: unknown) => unknown): Operator =>
  (operand, scope) => {
    const [a, b] = compileArgs(operand, scope, 2) ?? [];
    return a && b && ((doc, vars) => apply(a(doc, vars), b(doc, vars)));
  };

/** An operator of one argument. */
const unary =
  (apply: (value: unknown) => unknown): Operator =>
  (operand, scope) => {
    const arg = single(operand, scope);
    return arg && ((doc, vars) => apply(arg(doc, vars)));
  };

const comparison = (accepts: (order: number) => boolean): Operator => binary((a, b) => accepts(compareValues(a, b)));

/**
 * A value placed in an array or a document. MongoDB stores null for a missing array item and leaves
 * a missing field out; mingo stores undefined for both.
 */
const present = (value: unknown): unknown => (value === undefined ? giveUp() : value);

const VARIABLE_NAME = /^[a-z][A-Za-z0-9_]*$/;

function compileMap(operand: unknown, scope: Scope): Node | undefined {
  if (!isPlainObject(operand) || !Object.keys(operand).every((key) => key === 'input' || key === 'as' || key === 'in')) return undefined;
  const name = 'as' in operand ? operand.as : 'this';
  if (typeof name !== 'string' || !VARIABLE_NAME.test(name) || !('in' in operand)) return undefined;
  const input = compileNode(operand.input, scope);
  const each = compileNode(operand.in, [...scope, name]);
  if (!input || !each) return undefined;
  const slot = scope.length;
  return (doc, vars) => {
    const array = input(doc, vars);
    if (array == null) return null;
    if (!Array.isArray(array)) giveUp();
    const out = new Array<unknown>(array.length);
    for (let i = 0; i < array.length; i++) {
      vars[slot] = array[i];
      out[i] = present(each(doc, vars));
    }
    return out;
  };
}

function compileCond(operand: unknown, scope: Scope): Node | undefined {
  let branches: unknown[] | undefined;
  if (Array.isArray(operand)) branches = operand;
  else if (isPlainObject(operand) && Object.keys(operand).length === 3 && 'if' in operand && 'then' in operand && 'else' in operand) {
    branches = [operand.if, operand.then, operand.else];
  }
  const [test, then, otherwise] = compileArgs(branches, scope, 3) ?? [];
  return test && then && otherwise && ((doc, vars) => (truthy(test(doc, vars)) ? then(doc, vars) : otherwise(doc, vars)));
}

const OPERATORS: Record<string, Operator> = {
  $literal: (operand) => () => operand,
  $and: (operand, scope) => {
    const args = compileArgs(operand, scope, 0, Infinity);
    return (
      args &&
      ((doc, vars) => {
        for (const arg of args) if (!truthy(arg(doc, vars))) return false;
        return true;
      })
    );
  },
  $or: (operand, scope) => {
    const args = compileArgs(operand, scope, 0, Infinity);
    return (
      args &&
      ((doc, vars) => {
        for (const arg of args) if (truthy(arg(doc, vars))) return true;
        return false;
      })
    );
  },
  $not: (operand, scope) => {
    const arg = Array.isArray(operand) ? (operand.length === 1 ? compileNode(operand[0], scope) : undefined) : compileNode(operand, scope);
    return (
      arg &&
      ((doc, vars) => {
        const value = arg(doc, vars);
        // mingo negates with JavaScript's `!`, which takes '' for false.
        return value === '' ? giveUp() : !truthy(value);
      })
    );
  },
  $eq: comparison((order) => order === 0),
  $ne: comparison((order) => order !== 0),
  $gt: comparison((order) => order > 0),
  $gte: comparison((order) => order >= 0),
  $lt: comparison((order) => order < 0),
  $lte: comparison((order) => order <= 0),
  // mingo gives null for a missing or null array where MongoDB fails, and fails on other values.
  $size: unary((array) => (Array.isArray(array) ? array.length : giveUp())),
  $ifNull: (operand, scope) => {
    const args = compileArgs(operand, scope, 2, Infinity);
    return (
      args &&
      ((doc, vars) => {
        let value: unknown;
        for (const arg of args) if ((value = arg(doc, vars)) != null) break;
        return value;
      })
    );
  },
  $setDifference: binary((kept, removed) => {
    if (kept == null || removed == null) return null;
    return Array.isArray(kept) && Array.isArray(removed) ? setDifference(kept, removed) : giveUp();
  }),
  $map: compileMap,
  $objectToArray: unary((object) => {
    if (object == null) return null;
    if (!isPlainObject(object)) giveUp();
    const out: Document[] = [];
    for (const k of Object.keys(object)) out.push({ k, v: present(object[k]) });
    return out;
  }),
  // A second argument that is not an array fails, in mingo as in MongoDB.
  $in: binary((value, array) => (Array.isArray(array) ? array.some((element) => compareValues(present(element), value) === 0) : giveUp())),
  $cond: compileCond,
};

/** A field name a path may hold: not empty, an operator, an array index (mingo reads those as positions) or a prototype. */
const isFieldName = (name: string): boolean => name !== '' && !name.startsWith('$') && !/^\d+$/.test(name) && name !== '__proto__';

function compileReference(reference: string, scope: Scope): Node | undefined {
  const [head = '', ...path] = reference.split('.');
  if (!path.every(isFieldName)) return undefined;
  if (!head.startsWith('$$')) {
    const fields = [head.slice(1), ...path];
    return isFieldName(fields[0]!) ? (doc) => readPath(doc, fields) : undefined;
  }
  const name = head.slice(2);
  if (name === 'ROOT' || name === 'CURRENT') return (doc) => readPath(doc, path);
  const slot = scope.lastIndexOf(name);
  return slot < 0 ? undefined : (_doc, vars) => readPath(vars[slot], path);
}

function compileNode(expr: unknown, scope: Scope): Node | undefined {
  if (typeof expr === 'string' && expr.startsWith('$')) return compileReference(expr, scope);
  if (expr === null || ['string', 'number', 'boolean'].includes(typeof expr) || expr instanceof Date) return () => expr;
  if (Array.isArray(expr)) {
    const items = compileArgs(expr, scope, 0, Infinity);
    return items && ((doc, vars) => items.map((item) => present(item(doc, vars))));
  }
  if (!isPlainObject(expr)) return undefined;
  const keys = Object.keys(expr);
  const operator = keys[0]?.startsWith('$') ? OPERATORS[keys[0]] : undefined;
  if (operator) return keys.length === 1 ? operator(expr[keys[0]!], scope) : undefined;
  return compileObject(expr, keys, scope);
}

function compileObject(expr: Document, keys: string[], scope: Scope): Node | undefined {
  if (!keys.every((key) => isFieldName(key) && !key.includes('.'))) return undefined;
  const values = compileArgs(keys.map((key) => expr[key]), scope, 0, Infinity);
  if (!values) return undefined;
  return (doc, vars) => {
    const out: Document = {};
    for (let i = 0; i < keys.length; i++) out[keys[i]!] = present(values[i]!(doc, vars));
    return out;
  };
}

/** Runs a compiled node on a document: its result, or `undecided` where a value made it give up. */
function guard<T, U>(node: (doc: Document, vars: unknown[]) => T, undecided: U): (doc: Document) => T | U {
  return (doc) => {
    try {
      return node(doc, []);
    } catch (error) {
      if (error === UNDECIDED) return undecided;
      throw error;
    }
  };
}

/** The expression as a closure, or undefined if it is not one this module compiles. */
export function compileExpression(expr: unknown): CompiledExpression | undefined {
  const node = compileNode(expr, []);
  return node && guard(node, UNDECIDED);
}

/** `$expr`'s verdict on a document (its expression's truth), or undefined where mingo must judge. */
export function compileCondition(expr: unknown): ((doc: Document) => boolean | undefined) | undefined {
  const node = compileNode(expr, []);
  return node && guard((doc, vars) => truthy(node(doc, vars)), undefined);
}
