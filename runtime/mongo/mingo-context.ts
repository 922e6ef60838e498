// mingo as the embedded server runs it: all of mingo's operators, with MongoDB's comparison
// expressions (expression-comparison.ts) in place of mingo's. Every Query and Aggregator of the
// server comes from here; mingo's own exports would merge their built-in operators over ours.
import { Aggregator as MingoAggregator } from 'mingo/aggregator';
import { Context } from 'mingo/core';
import * as accumulator from 'mingo/operators/accumulator';
import * as expression from 'mingo/operators/expression';
import * as pipeline from 'mingo/operators/pipeline';
import * as projection from 'mingo/operators/projection';
import * as query from 'mingo/operators/query';
import * as window from 'mingo/operators/window';
import { Query as MingoQuery } from 'mingo/query';
import type { Options } from 'mingo/types';
import { COMPARISON_EXPRESSIONS } from './expression-comparison';

export const MINGO_CONTEXT = Context.init({
  accumulator,
  expression: { ...expression, ...COMPARISON_EXPRESSIONS },
  pipeline,
  projection,
  query,
  window,
});

export class Query extends MingoQuery {
  constructor(condition: ConstructorParameters<typeof MingoQuery>[0], options: Partial<Options> = {}) {
    super(condition, { ...options, context: MINGO_CONTEXT });
  }
}

export class Aggregator extends MingoAggregator {
  constructor(stages: ConstructorParameters<typeof MingoAggregator>[0], options: Partial<Options> = {}) {
    super(stages, { ...options, context: MINGO_CONTEXT });
  }
}
