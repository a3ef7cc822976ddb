// Audit records: who did what to which entity, when and why. Written in the same transaction as the
// change they describe, so a change without its record cannot exist.
import type { Principal } from './auth.ts';
import { tableName } from './tables.ts';

export interface AuditInput {
  /** e.g. RES#<nik>, IMPORT#<jobId> */
  entity: string;
  action: string;
  actor: Principal | { sub: string; roles: string[] };
  at: string;
  requestId: string;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

/** A Put for TransactWriteItems. */
export function auditPut(input: AuditInput) {
  return {
    Put: {
      TableName: tableName('audit'),
      Item: {
        pk: input.entity,
        sk: `${input.at}#${input.requestId}`,
        gsi1pk: `ACTOR#${input.actor.sub}`,
        gsi1sk: input.at,
        action: input.action,
        actor: {
          sub: input.actor.sub,
          roles: input.actor.roles,
          ...('rt' in input.actor && input.actor.rt ? { rt: input.actor.rt } : {}),
        },
        at: input.at,
        requestId: input.requestId,
        ...(input.reason ? { reason: input.reason } : {}),
        ...(input.before !== undefined ? { before: input.before } : {}),
        ...(input.after !== undefined ? { after: input.after } : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
