// Dinas Sosial's decision on a letter, once: the letter, its public status, the counts and the audit record in
// one transaction, with the coverage the letter opened closed in the same one when it is rejected.
import { ATTESTATION_DECIDED, type AttestationDecided } from '#events/attestation.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { cancellationReasons } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import {
  getResident,
  planCoverageChange,
  type TransactItem,
  transact,
  type WriteContext,
} from '#shared/registry/repository.ts';
import { type CoverageView, coverageView, monthWib } from '#shared/registry/rules.ts';
import {
  ATTEMPTS,
  announce,
  attestationKey,
  codeKey,
  countUpdate,
  coverageEvent,
  event,
  getAttestation,
  T,
} from './repository.ts';
import type { Attestation, DecisionInput } from './schemas.ts';

/**
 * Dinas Sosial's decision. Approved: the coverage stays. Rejected: the coverage period the letter opened is
 * closed (INACTIVE; the history keeps it) while it is still the resident's current one. Decided once.
 */
export async function decideAttestation(
  id: string,
  input: DecisionInput,
  ctx: WriteContext,
): Promise<{ attestation: Attestation; coverageClosed: boolean; coverage: CoverageView }> {
  for (let attempt = 1; ; attempt++) {
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const att = await getAttestation(id);
    if (!att) throw new NotFound('No attestation with this id');
    if (att.status !== 'PENDING_REVIEW') {
      throw new Conflict(`This attestation was already decided: ${att.status}`, { decision: att.decision });
    }
    const resident = await getResident(att.resident.nik);
    const closes = input.decision === 'REJECTED' && resident?.coverage?.periodSk === att.periodSk;
    const plan =
      closes && resident
        ? planCoverageChange(
            resident,
            {
              scheme: 'PBI_APBD',
              status: 'INACTIVE',
              reason: `Surat keterangan RT ditolak: ${input.note}`,
              source: 'ATTESTATION_REJECTED',
            },
            { ...ctx, now },
          )
        : undefined;
    const at = plan?.after.coverage?.since ?? now;
    const decision = { decision: input.decision, note: input.note, by: ctx.actor.sub, at };
    const field = input.decision === 'APPROVED' ? 'approved' : 'rejected';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: T(),
          Key: attestationKey(id),
          UpdateExpression: 'SET #status = :status, gsi1pk = :gsi1pk, decision = :decision',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': input.decision,
            ':gsi1pk': `ST#${input.decision}`,
            ':decision': decision,
            ':pending': 'PENDING_REVIEW',
          },
        },
      },
      {
        Update: {
          TableName: T(),
          Key: codeKey(att.codeHash),
          UpdateExpression: 'SET #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': input.decision },
        },
      },
      countUpdate(monthWib(att.issuedAt), att.rt, { pending: -1, [field]: 1 }),
      auditPut({
        entity: `ATT#${id}`,
        action: 'AttestationDecided',
        actor: ctx.actor,
        at,
        requestId: ctx.requestId,
        reason: input.note,
        before: { status: att.status },
        after: { status: input.decision, coverageClosed: closes },
      }),
      ...(plan?.items ?? []),
    ];
    try {
      await transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error);
      // Decided meanwhile, or the resident changed meanwhile: look again.
      if (reasons?.includes('ConditionalCheckFailed') && attempt < ATTEMPTS) continue;
      throw error;
    }
    const decided: Attestation = { ...att, status: input.decision, decision };
    const events = [
      event<AttestationDecided>(ATTESTATION_DECIDED, {
        id,
        nik: att.resident.nik,
        rt: att.rt,
        decision: input.decision,
        decidedBy: ctx.actor.sub,
        at,
        coverageClosed: closes,
      }),
    ];
    if (plan) events.push(coverageEvent(plan.event));
    await announce(events);
    const coverage = plan?.after.coverage ?? resident?.coverage ?? null;
    return {
      attestation: decided,
      coverageClosed: closes,
      coverage: coverageView(att.resident.nik, coverage),
    };
  }
}
