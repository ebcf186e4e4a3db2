import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allowedCommands,
  COMMAND_NAMES,
  isAllowed,
  roleMayRun,
  targetStatus,
  type CommandName,
} from '../../src/tickets/state-machine.js';
import { STATUSES, type TicketStatus } from '../../src/tickets/types.js';

/** The transitions of the issue, written out independently of the table in src. */
const EXPECTED: Record<TicketStatus, Partial<Record<CommandName, TicketStatus>>> = {
  received: {
    dispatch: 'dispatched',
    cancel: 'cancelled',
    reject: 'rejected',
    merge: 'merged',
    note: 'received',
    supervise: 'received',
  },
  dispatched: {
    transfer: 'dispatched',
    sign: 'signed',
    return: 'return_review',
    cancel: 'cancelled',
    merge: 'merged',
    note: 'dispatched',
    co_sign: 'dispatched',
    co_answer: 'dispatched',
    supervise: 'dispatched',
  },
  signed: {
    transfer: 'dispatched',
    start: 'in_progress',
    ask: 'waiting_citizen',
    reply: 'replied',
    return: 'return_review',
    cancel: 'cancelled',
    note: 'signed',
    co_sign: 'signed',
    co_answer: 'signed',
    pause_clock: 'signed',
    resume_clock: 'signed',
    request_extension: 'signed',
    approve_extension: 'signed',
    deny_extension: 'signed',
    supervise: 'signed',
  },
  in_progress: {
    transfer: 'dispatched',
    ask: 'waiting_citizen',
    reply: 'replied',
    return: 'return_review',
    cancel: 'cancelled',
    note: 'in_progress',
    co_sign: 'in_progress',
    co_answer: 'in_progress',
    pause_clock: 'in_progress',
    resume_clock: 'in_progress',
    request_extension: 'in_progress',
    approve_extension: 'in_progress',
    deny_extension: 'in_progress',
    supervise: 'in_progress',
  },
  waiting_citizen: {
    transfer: 'dispatched',
    resume: 'in_progress',
    reply: 'replied',
    cancel: 'cancelled',
    note: 'waiting_citizen',
    co_sign: 'waiting_citizen',
    co_answer: 'waiting_citizen',
    request_extension: 'waiting_citizen',
    approve_extension: 'waiting_citizen',
    deny_extension: 'waiting_citizen',
    supervise: 'waiting_citizen',
  },
  // rate: satisfied closes; dissatisfied may reopen instead (decided by its input, see the API tests).
  replied: { resolve: 'closed', reopen: 'reopened', note: 'replied', rate: 'closed', supervise: 'replied' },
  closed: { reopen: 'reopened', note: 'closed', publish: 'closed', unpublish: 'closed' },
  reopened: { dispatch: 'dispatched', cancel: 'cancelled', note: 'reopened', supervise: 'reopened' },
  return_review: {
    transfer: 'dispatched',
    refuse_return: 'dispatched',
    cancel: 'cancelled',
    reject: 'rejected',
    merge: 'merged',
    note: 'return_review',
    supervise: 'return_review',
  },
  merged: { note: 'merged' },
  cancelled: { note: 'cancelled' },
  rejected: { note: 'rejected' },
};

describe('ticket state machine', () => {
  for (const status of STATUSES) {
    it(`in ${status}: exactly the expected commands, each to the expected status`, () => {
      const expected = EXPECTED[status];
      assert.deepEqual(new Set(allowedCommands(status)), new Set(Object.keys(expected)));
      for (const command of COMMAND_NAMES) {
        const to = expected[command];
        assert.equal(isAllowed(command, status), to !== undefined, `${command} in ${status}`);
        if (to) assert.equal(targetStatus(command, status), to, `${command} in ${status}`);
      }
    });
  }

  it('walks the main path received → … → closed → reopened → dispatched', () => {
    const path: [CommandName, TicketStatus][] = [
      ['dispatch', 'dispatched'],
      ['sign', 'signed'],
      ['start', 'in_progress'],
      ['ask', 'waiting_citizen'],
      ['resume', 'in_progress'],
      ['reply', 'replied'],
      ['resolve', 'closed'],
      ['reopen', 'reopened'],
      ['dispatch', 'dispatched'],
      ['return', 'return_review'],
      ['refuse_return', 'dispatched'],
    ];
    let status: TicketStatus = 'received';
    for (const [command, to] of path) {
      assert.ok(isAllowed(command, status), `${command} in ${status}`);
      status = targetStatus(command, status);
      assert.equal(status, to);
    }
  });

  it('terminal states allow nothing but notes', () => {
    for (const status of ['merged', 'cancelled', 'rejected'] as const)
      assert.deepEqual(allowedCommands(status), ['note']);
  });

  it('splits the work by role', () => {
    assert.equal(roleMayRun('sign', 'department'), true);
    assert.equal(roleMayRun('sign', 'operator'), false);
    assert.equal(roleMayRun('dispatch', 'operator'), true);
    assert.equal(roleMayRun('dispatch', 'department'), false);
    assert.equal(roleMayRun('return', 'department'), true);
    assert.equal(roleMayRun('refuse_return', 'department'), false);
    for (const command of COMMAND_NAMES) assert.equal(roleMayRun(command, 'admin'), true);
  });
});
