// POST /staff/{username}/enable — the account may sign in again (city_admin). Audited.
import * as z from 'zod/mini';
import { usernameSchema } from '#shared/city/schemas.ts';
import { setStaffStatus, staffView } from '#shared/city/staff.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ username: usernameSchema }) },
  async ({ params, principal, requestId }) => {
    const { staff, changed } = await setStaffStatus(params.username, 'ACTIVE', {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
      ...(principal?.username ? { actorUsername: principal.username } : {}),
    });
    return { status: 200, body: { ...staffView(staff), changed } };
  },
);
