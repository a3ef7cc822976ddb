// Cognito's pre token generation trigger (event V2_0): adds `mfa: "true"` to the ID and access tokens of a user
// who has an authenticator app (TOTP) turned on. The pool's MFA is optional, so such a user gives a TOTP code at
// every sign-in; shared/platform/auth.ts admits city_admin and social_verifier only with the claim.
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { MFA_CLAIM, MFA_ROLES } from '#shared/platform/auth.ts';
import { logger } from '#shared/platform/logger.ts';

const cognito = new CognitoIdentityProviderClient({});
const TOTP = 'SOFTWARE_TOKEN_MFA';

export async function handler(
  event: PreTokenGenerationV2TriggerEvent,
): Promise<PreTokenGenerationV2TriggerEvent> {
  const groups = event.request.groupConfiguration?.groupsToOverride ?? [];
  // Only the roles that need MFA cost a call: an RT chair's sign-in never waits on AdminGetUser.
  if (!groups.some((g) => (MFA_ROLES as readonly string[]).includes(g))) return event;
  // Asked afresh for each token, never remembered: a user who turns the authenticator off loses the claim at the
  // next sign-in or refresh. A failed call fails the sign-in (the user tries again) rather than guessing.
  let settings: string[];
  try {
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: event.userPoolId, Username: event.userName }),
    );
    settings = user.UserMFASettingList ?? [];
  } catch (error) {
    // Not the user name: it may be an e-mail address.
    logger.error('AdminGetUser failed; the sign-in is refused', { error, trigger: event.triggerSource });
    throw error;
  }
  if (!settings.includes(TOTP)) return event;
  const claims = { [MFA_CLAIM]: 'true' };
  // Cognito sends null here when no earlier trigger step set anything.
  const details = event.response.claimsAndScopeOverrideDetails ?? {};
  event.response.claimsAndScopeOverrideDetails = {
    ...details,
    idTokenGeneration: {
      ...details.idTokenGeneration,
      claimsToAddOrOverride: { ...details.idTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
    accessTokenGeneration: {
      ...details.accessTokenGeneration,
      claimsToAddOrOverride: { ...details.accessTokenGeneration?.claimsToAddOrOverride, ...claims },
    },
  };
  return event;
}
