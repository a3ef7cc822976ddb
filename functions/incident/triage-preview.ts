// POST /incidents/triage (operator): {type, description, priority?} → 200 {priority, rule, kind, dispatchedAtOnce}:
// the triage a report would get, shown while the call is taken. The same rules as POST /incidents
// (shared/incident/rules.ts), so the console keeps no copy of them; nothing is stored.
import * as z from 'zod/mini';
import { dispatchesAutomatically, KIND_FOR, triage } from '#shared/incident/rules.ts';
import { INCIDENT_TYPES, PRIORITIES } from '#shared/incident/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { text } from '#shared/registry/fields.ts';

const body = z.object({
  type: z.enum(INCIDENT_TYPES, { error: `must be one of ${INCIDENT_TYPES.join(', ')}` }),
  // Empty while the operator has typed nothing yet: the type alone decides then.
  description: z._default(text().check(z.maxLength(1000, 'must be at most 1000 characters')), ''),
  priority: z.optional(z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` })),
});

export const handler = httpHandler({ body }, async (req) => {
  const t = triage(req.body.type, req.body.description, req.body.priority);
  return {
    status: 200,
    body: {
      priority: t.priority,
      rule: t.rule,
      kind: KIND_FOR[req.body.type],
      dispatchedAtOnce: dispatchesAutomatically(t.priority),
    },
  };
});
