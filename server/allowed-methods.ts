/**
 * The methods a path takes, read from the routers themselves, so that a route added anywhere is
 * known here without a list to keep beside it. Express 5's router (the `router` package) keeps, on
 * each layer of a stack, `match(path)` and, for a route, `route._methods()` (its methods, with HEAD
 * where it has GET, as the router answers HEAD with GET's route); a mounted router is a layer whose
 * `handle` has a `stack` of its own. The types Express publishes leave these out.
 */
import type { Router } from 'express';

interface RouterLayer {
  match(path: string): { path: string } | false;
  route?: { _methods(): string[] };
  handle: { stack?: RouterLayer[] };
}

function methodsIn(stack: readonly RouterLayer[], path: string, into: Set<string>): void {
  for (const layer of stack) {
    let match: { path: string } | false;
    try {
      match = layer.match(path);
    } catch {
      // A path parameter that does not decode: that layer is not where the request could go.
      continue;
    }
    if (!match) continue;
    if (layer.route) for (const method of layer.route._methods()) into.add(method);
    // A mounted router sees the path without the part its mount matched, as when it handles a request.
    else if (layer.handle.stack) methodsIn(layer.handle.stack, path.slice(match.path.length) || '/', into);
  }
}

/**
 * The methods the routes of `router` (and the routers mounted in it) take on `path`, sorted, with
 * OPTIONS, which every such path answers (`answerOptions`); none for a path no route has.
 */
export function allowedMethods(router: Router, path: string): string[] {
  const methods = new Set<string>();
  methodsIn(router.stack as unknown as RouterLayer[], path, methods);
  if (methods.size > 0) methods.add('OPTIONS');
  return [...methods].sort();
}
