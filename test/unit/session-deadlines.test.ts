import { describe, expect, it } from 'vitest';
import { closeWaitMs, createDeadlines } from '../../src/session/deadlines.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createDeadlines', () => {
  it('fires a deadline once its time has passed', async () => {
    const fired: string[] = [];
    const deadlines = createDeadlines();
    deadlines.set('connect', 5, () => fired.push('connect'));
    await sleep(40);
    expect(fired).toEqual(['connect']);
  });

  it('replaces a pending deadline of the same name, and clears one or all', async () => {
    const fired: string[] = [];
    const deadlines = createDeadlines();
    deadlines.set('grace', 5, () => fired.push('first grace'));
    deadlines.set('grace', 10, () => fired.push('second grace'));
    deadlines.set('firstEvent', 5, () => fired.push('firstEvent'));
    deadlines.set('total', 5, () => fired.push('total'));
    deadlines.clear('firstEvent');
    await sleep(40);
    expect([...fired].sort()).toEqual(['second grace', 'total']);

    deadlines.set('connect', 5, () => fired.push('connect'));
    deadlines.set('closeWait', 5, () => fired.push('closeWait'));
    deadlines.clearAll();
    await sleep(40);
    expect(fired).toHaveLength(2);
  });
});

describe('closeWaitMs', () => {
  it.each([
    [null, 1_000],
    [5_000, 1_000],
    [400, 400],
    [20, 100],
    [-300, 100],
  ])('with %s ms of the budget left waits %d ms', (left, expected) => {
    expect(closeWaitMs(left)).toBe(expected);
  });
});
