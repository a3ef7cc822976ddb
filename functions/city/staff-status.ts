// POST /staff/{username}/disable and /enable, one rule for both (city_admin): the account's sign-in stopped (its
// sessions ended) or allowed again, then its record, with an audit record; already so → `changed: false`; never
// one's own account disabled. A disabled RT chair is turned away at once (shared/city/access.ts).
import * as z from 'zod/mini';
import { usernameSchema } from '#shared/city/schemas.ts';
import { setStaffStatus, staffView } from '#shared/city/staff.ts';
import { httpHandler } from '#shared/platform/http.ts';

export function staffStatusHandler(status: 'ACTIVE' | 'DISABLED') {
  return httpHandler(
    { params: z.object({ username: usernameSchema }) },
    async ({ params, principal, requestId }) => {
      const { staff, changed } = await setStaffStatus(params.username, status, {
        actor: principal!,
        requestId,
        now: new Date().toISOString(),
        ...(principal?.username ? { actorUsername: principal.username } : {}),
      });
      return { status: 200, body: { ...staffView(staff), changed } };
    },
  );
}
