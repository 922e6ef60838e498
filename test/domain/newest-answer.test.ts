import { describe, expect, it } from 'vitest';
import { NewestAnswer } from '../../domain/newest-answer';

describe('NewestAnswer', () => {
  it('takes answers in the order they were asked', () => {
    const newest = new NewestAnswer();
    const first = newest.ask();
    const second = newest.ask();
    expect(first()).toBe(true);
    expect(second()).toBe(true);
  });

  it('drops an answer that comes after a later read was taken', () => {
    const newest = new NewestAnswer();
    const first = newest.ask();
    const second = newest.ask();
    expect(second()).toBe(true);
    expect(first()).toBe(false);
  });

  it('drops only the answers asked before the newest one taken', () => {
    const newest = new NewestAnswer();
    const first = newest.ask();
    const second = newest.ask();
    const third = newest.ask();
    expect(second()).toBe(true);
    expect(first()).toBe(false);
    expect(third()).toBe(true);
    expect(newest.ask()()).toBe(true);
  });

  it('keeps each reader apart', () => {
    const a = new NewestAnswer();
    const b = new NewestAnswer();
    const fromA = a.ask();
    b.ask()();
    b.ask()();
    expect(fromA()).toBe(true);
  });
});
