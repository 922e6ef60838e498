/** What a plugin's reaction may return as a lifecycle operation: the REST API's shapes and limits. */
import { describe, expect, it } from 'vitest';
import { operationProblem } from '../../domain/operation-schema';

describe('operationProblem', () => {
  it('takes the operations of the REST API, within its limits', () => {
    expect(operationProblem({ op: 'add_tags', tags: ['vip'] })).toBeUndefined();
    expect(operationProblem({ op: 'escalate', reason: 'Refund over\ntwo lines', summary: 'x'.repeat(2_000) })).toBeUndefined();
    expect(operationProblem({ op: 'unassign' })).toBeUndefined();
    expect(operationProblem({ op: 'assign', userId: 'usr_bo', expectedAssigneeId: null })).toBeUndefined();
  });

  it('names what is wrong: no operation, a field it lacks, past a limit, hidden characters', () => {
    expect(operationProblem(null)).toMatch(/object/i);
    expect(operationProblem({ op: 'delete_everything' })).toMatch(/^op: /);
    expect(operationProblem({ op: 'unassign', userId: 'x' })).toMatch(/userId/);
    expect(operationProblem({ op: 'assign', userId: 'usr_bo', expectedAssigneeId: 7 })).toMatch(/^expectedAssigneeId: /);
    expect(operationProblem({ op: 'escalate', reason: 'r'.repeat(501) })).toMatch(/^reason: /);
    expect(operationProblem({ op: 'add_tags', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) })).toMatch(/^tags: /);
    expect(operationProblem({ op: 'set_title', title: 'Refund\u202Ednuf' })).toBe('title: no control or text-direction characters');
    expect(operationProblem({ op: 'add_tags', tags: ['ok', 'a\u061Cb'] })).toBe('tags.1: no control or text-direction characters');
  });
});
