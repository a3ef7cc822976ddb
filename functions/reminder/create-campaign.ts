// POST /campaigns (city_admin): a campaign, or a change to one — which makes a new version (fires already made
// keep theirs). → 201 {…campaign, version, worstCaseLength}; the same content again → 200, nothing written.
// A template that could render over one GSM-7 SMS → 400 naming `template`, with the worst-case length.

import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { saveCampaign } from '#shared/reminder/campaigns.ts';
import { campaignSchema } from '#shared/reminder/schemas.ts';
import { checkTemplate } from '#shared/reminder/templates.ts';

export const handler = httpHandler({ body: campaignSchema }, async ({ body, principal, requestId }) => {
  const check = checkTemplate(body.template);
  if (!check.ok) {
    throw new ValidationError([{ path: 'template', message: check.message }], {
      ...(check.worstCaseLength ? { worstCaseLength: check.worstCaseLength } : {}),
    });
  }
  const { campaign, created } = await saveCampaign(body, {
    actor: principal!,
    requestId,
    now: new Date().toISOString(),
  });
  return { status: created ? 201 : 200, body: { ...campaign, worstCaseLength: check.worstCaseLength } };
});
