// POST /staff — a staff account (city_admin): {username, name, role, rt?, unit?, puskesmas?, email?, phone?} → 201.
// In AWS, Cognito sends the invitation with its temporary password by e-mail or SMS; the reply never holds a secret.
// An RT chair needs an RT of the directory, a responder an existing unit (400 otherwise); the same username → 409.
// A city_admin or social_verifier has no rights until they set up an authenticator app (MFA).
import { newStaffSchema } from '#shared/city/schemas.ts';
import { createStaff, staffView } from '#shared/city/staff.ts';
import { getUnit } from '#shared/incident/repository.ts';
import { MFA_ROLES } from '#shared/platform/auth.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({ body: newStaffSchema }, async ({ body, principal, requestId }) => {
  const { staff, invitedBy } = await createStaff(
    body,
    { actor: principal!, requestId, now: new Date().toISOString() },
    { unitExists: async (id) => !!(await getUnit(id)) },
  );
  return {
    status: 201,
    body: {
      ...staffView(staff),
      invitation: { sentBy: invitedBy },
      mfaRequired: MFA_ROLES.includes(staff.role),
    },
  };
});
