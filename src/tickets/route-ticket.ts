import { decide, type RoutingTables } from '../routing/tables.js';
import { newId } from '../store/ids.js';
import type { NewTicket } from '../store/tickets.js';
import { coDepartmentDue, policyFor, startDepartmentClocks } from './sla.js';
import type { OutboxEntry, TicketEvent } from './types.js';

const ROUTING_ACTOR = { kind: 'system', id: 'routing' } as const;

/**
 * 派单 by rules, as the ticket is made: the first rule in force that matches sends it to its lead
 * department (and co-departments) with the rule's priority, SLA policy and tags, and the ticket
 * records the rule id + version and why it matched. No rule → the ticket waits in the triage queue
 * (status `received`) for an operator. Part of intake's one write: nothing here does I/O.
 */
export function routeNewTicket(
  tables: RoutingTables,
  ticket: NewTicket,
  callerPhone: string | undefined,
): NewTicket {
  const at = ticket.createdAt;
  const decision = decide(tables, {
    channel: ticket.channel,
    kind: ticket.kind,
    category: ticket.category,
    priority: ticket.priority,
    text: [ticket.subject, ticket.body].filter(Boolean).join('\n'),
    location: ticket.location,
    callerPhone,
    at: ticket.source.receivedAt,
  });
  const record = { reasons: decision.reasons, considered: decision.considered, at };
  const { rule, actions } = decision;
  if (!rule || !actions) return { ...ticket, routing: { by: 'triage', ...record } };

  const priority = actions.priority ?? ticket.priority;
  const policy = policyFor(tables, { ...ticket, priority }, actions.slaPolicy);
  const lead = actions.leadDepartment;
  const coCodes = (actions.coDepartments ?? []).filter(
    (code) => code !== lead && tables.departments.get(code)?.active,
  );
  const dispatched: TicketEvent = {
    id: newId(),
    type: 'dispatched',
    fromStatus: 'received',
    toStatus: 'dispatched',
    actor: ROUTING_ACTOR,
    channel: ticket.channel,
    visibility: 'internal',
    at,
    data: {
      department: lead,
      coDepartments: coCodes.length > 0 ? coCodes : undefined,
      rule,
      reasons: decision.reasons,
      slaPolicy: policy?.code,
    },
  };
  const outbox: Record<string, OutboxEntry> = { ...ticket.outbox };
  for (const [department, template] of [
    [lead, 'department.new_ticket'],
    ...coCodes.map((code) => [code, 'department.co_ticket']),
  ] as const) {
    const id = newId();
    outbox[id] = {
      id,
      eventId: dispatched.id,
      template,
      audience: 'department',
      department,
      status: 'pending',
      createdAt: at,
    };
  }
  return {
    ...ticket,
    status: 'dispatched',
    priority,
    leadDepartment: lead,
    coDepartments: Object.fromEntries(
      coCodes.map((code) => [code, coDepartmentDue(tables, policy, code, at)]),
    ),
    sla: startDepartmentClocks(tables, policy, lead, at),
    routing: { by: 'rule', rule, tags: actions.tags, ...record },
    tags: [...new Set([...ticket.tags, ...(actions.tags ?? [])])],
    events: [...ticket.events, dispatched],
    outbox,
  };
}
