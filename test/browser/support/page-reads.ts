/**
 * Reads of the page that a page drawing its parts anew cannot split or void: an element found and
 * then read in a second step may have been replaced in between, and a detached element reads as
 * nothing (Playwright's `boundingBox` answers `null`, its widths 0, its style empty, and it never
 * has focus). Each read here is one step on the page and says `undefined` for a detached element,
 * so an `expect.poll` asks again.
 */
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An element's box and the box of the nearest ancestor matching `within`, and whether its text fits unclipped. */
export interface Placement {
  box: Box;
  within: Box;
  /** Its content is no wider than its box: nothing cut off or scrolled. */
  fitsItsBox: boolean;
}

/**
 * The placement of `element` inside its nearest ancestor matching `within`, all read in one step
 * on the page. Read again until the element is on the page inside such an ancestor.
 */
export async function placementOf(element: Locator, within: string): Promise<Placement> {
  let placement: Placement | undefined;
  await expect
    .poll(async () => {
      placement = await element.evaluate((el, selector) => {
        const ancestor = el.isConnected ? el.closest(selector) : null;
        if (!ancestor) return undefined;
        const boxOf = (of: Element) => {
          const { x, y, width, height } = of.getBoundingClientRect();
          return { x, y, width, height };
        };
        return { box: boxOf(el), within: boxOf(ancestor), fitsItsBox: el.scrollWidth <= el.clientWidth };
      }, within);
      return placement;
    }, { message: `${element} inside ${within}` })
    .toBeDefined();
  return placement!;
}

/** Expects `inner` wholly inside `outer` from side to side. */
export function expectInsideSideways(inner: Box, outer: Box): void {
  expect(inner.x).toBeGreaterThanOrEqual(outer.x);
  expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width);
}

/** Whether `element` has keyboard focus; `undefined` while it is detached. */
export const hasFocus = (element: Locator): Promise<boolean | undefined> => element.evaluate((el) => (el.isConnected ? el === document.activeElement : undefined));
