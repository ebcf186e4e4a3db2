import { decide, type RoutingTables } from '../routing/tables.js';
import { newId } from '../store/ids.js';
import type { NewTicket } from '../store/tickets.js';
import { coDepartmentDue, policyFor, startDepartmentClocks } from './sla.js';
import type { RoutingDecision, RoutingFacts } from '../routing/rules.js';
import type { SlaPolicy } from '../routing/sla-policy.js';
import type { OutboxEntry, Priority, TicketEvent } from './types.js';

const ROUTING_ACTOR = { kind: 'system', id: 'routing' } as const;

/**
 * 派单 by rules, as the ticket is made: the first rule in force that matches sends it to its lead
 * department (and co-departments) with the rule's priority, SLA policy and tags, and the ticket
 * records the rule id + version and why it matched. No rule → the ticket waits in the triage queue
 * (status `received`) for an operator. Part of intake's one write: nothing here does I/O.
 */
/**
 * The routing decision for some facts, with what follows from it: the priority (the rule's, else the
 * ticket's) and the SLA policy (the rule's, else the first that fits). Intake and the dry-run alike.
 */
export function routeFacts(
  tables: RoutingTables,
  facts: RoutingFacts,
): { decision: RoutingDecision; priority: Priority; policy?: SlaPolicy } {
  const decision = decide(tables, facts);
  const actions = decision.actions;
  if (!actions) return { decision, priority: facts.priority };
  const priority = actions.priority ?? facts.priority;
  return { decision, priority, policy: policyFor(tables, { ...facts, priority }, actions.slaPolicy) };
}

export function routeNewTicket(
  tables: RoutingTables,
  ticket: NewTicket,
  callerPhone: string | undefined,
): NewTicket {
  const at = ticket.createdAt;
  const { decision, priority, policy } = routeFacts(tables, {
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
