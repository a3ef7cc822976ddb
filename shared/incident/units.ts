// The call centre's units: registering one, and its crew or an operator setting its status and position.
// A unit working an incident keeps BUSY until the incident frees it (resolve or cancel) or its window is missed.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, ddb, transact } from '#shared/platform/dynamo.ts';
import { Conflict, Forbidden, NotFound } from '#shared/platform/errors.ts';
import type { OpContext } from './dispatch.ts';
import { T, unitFromItem, unitItem, unitKey } from './repository.ts';
import type { Location, NewUnit, Unit, UnitStatus } from './schemas.ts';

const same = (a: NewUnit, u: Unit) =>
  a.name === u.name &&
  a.kind === u.kind &&
  a.phone === u.phone &&
  a.kelurahan === u.kelurahan &&
  a.location.lat === u.location.lat &&
  a.location.lon === u.location.lon;

/** A new unit, OFFLINE until its crew says it is available; sending the same unit again answers the same. */
export async function createUnit(input: NewUnit, ctx: OpContext): Promise<{ unit: Unit; created: boolean }> {
  const unit: Unit = { ...input, status: 'OFFLINE', statusAt: ctx.now, createdAt: ctx.now };
  try {
    await transact([
      { Put: { TableName: T(), Item: unitItem(unit), ConditionExpression: 'attribute_not_exists(pk)' } },
      auditPut({
        entity: `UNIT#${unit.id}`,
        action: 'UNIT_CREATED',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
      }),
    ]);
    return { unit, created: true };
  } catch (error) {
    if ((error as Error).name !== 'TransactionCanceledException') throw error;
    const out = await ddb().send(
      new GetCommand({ TableName: T(), Key: unitKey(input.id), ConsistentRead: true }),
    );
    const existing = out.Item ? unitFromItem(out.Item) : undefined;
    if (existing && same(input, existing)) return { unit: existing, created: false };
    throw new Conflict(`A unit with id ${input.id} already exists`);
  }
}

/**
 * PUT /units/{id}/status: the crew of that unit (or an operator) says whether it can be sent, and where it is.
 * While working an incident only its position may change: the incident frees it.
 */
export async function setUnitStatus(
  id: string,
  status: UnitStatus,
  location: Location | undefined,
  ctx: OpContext,
): Promise<Unit> {
  if (!ctx.actor.roles.includes('operator') && ctx.actor.unit !== id) {
    throw new Forbidden('Responders can only set the status of their own unit');
  }
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: unitKey(id), ConsistentRead: true }));
  if (!out.Item) throw new NotFound('No unit with this id');
  const unit = unitFromItem(out.Item);
  if (unit.assignment && status !== unit.status) {
    throw new Conflict(
      `Unit ${id} is working incident ${unit.assignment.incidentId}; it becomes available when the incident is resolved`,
      { incidentId: unit.assignment.incidentId },
    );
  }
  const next: Unit = { ...unit, status, statusAt: ctx.now, ...(location ? { location } : {}) };
  try {
    await transact([
      {
        Put: {
          TableName: T(),
          Item: unitItem(next),
          // Not taken by an incident since it was read.
          ConditionExpression: unit.assignment
            ? 'assignment.incidentId = :i'
            : 'attribute_not_exists(assignment)',
          ...(unit.assignment ? { ExpressionAttributeValues: { ':i': unit.assignment.incidentId } } : {}),
        },
      },
      auditPut({
        entity: `UNIT#${id}`,
        action: 'UNIT_STATUS',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        before: { status: unit.status },
        after: { status },
      }),
    ]);
  } catch (error) {
    if (conditionFailed(error, 0)) {
      throw new Conflict(`Unit ${id} was just sent to an incident; try again`);
    }
    throw error;
  }
  return next;
}
