/**
 * What no route of the API takes in a query, refused on every one of them, those that read no
 * query too: a bracketed key (`?priority[]=low`, written for another parser) and a parameter that
 * is not percent-encoded UTF-8. Routes check the parameters they read on top of this.
 */
import type { RequestHandler } from 'express';
import { anyRouteQuery } from '../schemas/common';
import { parseInput } from '../schemas/parse';

export const checkedQuery: RequestHandler = (req, _res, next) => {
  parseInput(anyRouteQuery, req.query, 'query');
  next();
};
