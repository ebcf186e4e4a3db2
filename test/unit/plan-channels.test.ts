import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plannedChannels, type PlanRecipient } from '../../src/notify/plan.js';
import type { Channel } from '../../src/tickets/types.js';

const at = new Date('2026-03-10T02:00:00.000Z');

function contact(reach: { phone?: boolean; email?: boolean }, preferred: string[] = []) {
  return {
    phones: reach.phone ? [{ number: '+8613800138000', addedAt: at }] : [],
    emails: reach.email ? [{ address: 'citizen@example.cn', addedAt: at }] : [],
    preferences: { channels: preferred },
  };
}

function citizen(channel: Channel, recipient: Partial<PlanRecipient>): string[] {
  return plannedChannels({ audience: 'citizen' }, { channel }, { supervisorEmails: [], ...recipient });
}

describe('plannedChannels', () => {
  describe('citizens hear back on the channel they came in on', () => {
    // [ticket channel, phone only, email only, phone and email, neither]
    const table: [Channel, string[], string[], string[], string[]][] = [
      ['sms', ['sms'], [], ['sms'], []],
      ['ivr', ['sms'], [], ['sms'], []],
      ['hotline', ['sms'], [], ['sms'], []],
      ['email', [], ['email'], ['email'], []],
      // The web status page is pushed to; the phone (else the mailbox) keeps the record.
      ['web', ['sms', 'push'], ['email', 'push'], ['sms', 'push'], ['push']],
      ['api', ['sms'], ['email'], ['sms'], []],
      ['open311', ['sms'], ['email'], ['sms'], []],
    ];
    for (const [channel, phoneOnly, emailOnly, both, neither] of table) {
      it(channel, () => {
        assert.deepEqual(citizen(channel, { contact: contact({ phone: true }) }), phoneOnly, 'phone only');
        assert.deepEqual(citizen(channel, { contact: contact({ email: true }) }), emailOnly, 'email only');
        assert.deepEqual(
          citizen(channel, { contact: contact({ phone: true, email: true }) }),
          both,
          'phone and email',
        );
        assert.deepEqual(citizen(channel, { contact: contact({}) }), neither, 'no address');
      });
    }

    it('no contact at all: nothing, on any channel', () => {
      for (const [channel] of table) assert.deepEqual(citizen(channel, {}), [], channel);
    });
  });

  describe('preferences add channels the citizen can be reached on', () => {
    it('adds each preferred channel, in the fixed channel order, once', () => {
      const both = { phone: true, email: true };
      assert.deepEqual(citizen('sms', { contact: contact(both, ['email']) }), ['sms', 'email']);
      assert.deepEqual(citizen('sms', { contact: contact(both, ['push', 'voice']) }), [
        'sms',
        'voice',
        'push',
      ]);
      assert.deepEqual(citizen('email', { contact: contact(both, ['sms']) }), ['sms', 'email']);
      assert.deepEqual(citizen('web', { contact: contact(both, ['email', 'sms', 'push']) }), [
        'sms',
        'email',
        'push',
      ]);
      assert.deepEqual(citizen('sms', { contact: contact(both, ['sms', 'sms']) }), ['sms']);
      assert.deepEqual(citizen('ivr', { contact: contact({ phone: true }, ['push']) }), ['sms', 'push']);
    });

    it('ignores a preference it cannot reach, and a channel it does not send on', () => {
      // Mail preferred, but no address; a call preferred, but no phone.
      assert.deepEqual(citizen('sms', { contact: contact({ phone: true }, ['email']) }), ['sms']);
      assert.deepEqual(citizen('email', { contact: contact({ email: true }, ['voice', 'sms']) }), ['email']);
      assert.deepEqual(citizen('api', { contact: contact({}, ['sms', 'voice', 'email']) }), []);
      assert.deepEqual(citizen('sms', { contact: contact({ phone: true }, ['wechat', 'fax', 'all']) }), [
        'sms',
      ]);
      // Push needs no address: the status page of the ticket.
      assert.deepEqual(citizen('api', { contact: contact({}, ['push']) }), ['push']);
    });
  });

  describe('staff', () => {
    const channels: Channel[] = ['sms', 'ivr', 'hotline', 'email', 'web', 'api', 'open311'];

    it('a department: its pages, and its mailbox when it has one, whatever the ticket came by', () => {
      for (const channel of channels) {
        const plan = (recipient: Partial<PlanRecipient>) =>
          plannedChannels({ audience: 'department' }, { channel }, { supervisorEmails: [], ...recipient });
        assert.deepEqual(plan({ department: { email: 'mzj@demo.gov.cn' } }), ['push', 'email'], channel);
        assert.deepEqual(plan({ department: {} }), ['push'], channel);
        assert.deepEqual(plan({}), ['push'], channel);
        // A citizen's contact on the entry changes nothing for staff.
        assert.deepEqual(plan({ contact: contact({ phone: true }, ['sms']) }), ['push'], channel);
      }
    });

    it('supervisors: their pages, and mail when SUPERVISOR_EMAILS is set', () => {
      for (const channel of channels) {
        const plan = (supervisorEmails: string[]) =>
          plannedChannels({ audience: 'supervisor' }, { channel }, { supervisorEmails });
        assert.deepEqual(plan(['duban@demo.gov.cn']), ['push', 'email'], channel);
        assert.deepEqual(plan([]), ['push'], channel);
      }
    });
  });
});
