// The user pool's pre token generation trigger with aws-sdk-client-mock: the `mfa` claim for users in an MFA role
// who have an authenticator app turned on, asked of Cognito afresh for each token.
import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/auth/pre-token-generation.ts';

const cognito = mockClient(CognitoIdentityProviderClient);

beforeEach(() => {
  cognito.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

/** The event Cognito sends (V2_0): the user's groups, and a response with nothing set yet. */
function tokenEvent(
  groups: string[],
  opts: { trigger?: string; userName?: string } = {},
): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: opts.trigger ?? 'TokenGeneration_Authentication',
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_Pool',
    userName: opts.userName ?? 'siti',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'client' },
    request: {
      userAttributes: { sub: 'sub-1', email: 'siti@jambikota.go.id' },
      groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid'],
    },
    // Cognito sends null when nothing has been set.
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

const mfaSettings = (list?: string[]) =>
  cognito.on(AdminGetUserCommand).resolves({ Username: 'siti', UserMFASettingList: list });

describe('pre token generation', () => {
  it('adds mfa: "true" to the ID and access tokens of a city_admin with an authenticator app', async () => {
    mfaSettings(['SOFTWARE_TOKEN_MFA']);
    const out = await handler(tokenEvent(['city_admin']));
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { mfa: 'true' } },
      accessTokenGeneration: { claimsToAddOrOverride: { mfa: 'true' } },
    });
    expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: 'ap-southeast-3_Pool',
      Username: 'siti',
    });
  });

  it('also for a social_verifier, and on a token refresh', async () => {
    mfaSettings(['SMS_MFA', 'SOFTWARE_TOKEN_MFA']);
    const out = await handler(tokenEvent(['social_verifier'], { trigger: 'TokenGeneration_RefreshTokens' }));
    expect(out.response.claimsAndScopeOverrideDetails?.idTokenGeneration?.claimsToAddOrOverride).toEqual({
      mfa: 'true',
    });
  });

  it('adds nothing for a user in an MFA role without an authenticator app', async () => {
    for (const list of [undefined, [], ['SMS_MFA']]) {
      mfaSettings(list);
      const out = await handler(tokenEvent(['city_admin']));
      expect(out.response.claimsAndScopeOverrideDetails, JSON.stringify(list)).toBeNull();
    }
  });

  it('never calls Cognito for the other roles: an RT chair signs in without waiting on it', async () => {
    for (const groups of [['rt_chair'], ['clinic', 'operator'], ['responder'], []]) {
      const out = await handler(tokenEvent(groups));
      expect(out.response.claimsAndScopeOverrideDetails).toBeNull();
    }
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('asks for every token, remembering nothing across users or sign-ins', async () => {
    cognito
      .on(AdminGetUserCommand, { Username: 'siti' })
      .resolves({ UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] })
      .on(AdminGetUserCommand, { Username: 'budi' })
      .resolves({ UserMFASettingList: [] });
    const siti = await handler(tokenEvent(['city_admin'], { userName: 'siti' }));
    const budi = await handler(tokenEvent(['city_admin'], { userName: 'budi' }));
    expect(siti.response.claimsAndScopeOverrideDetails).not.toBeNull();
    expect(budi.response.claimsAndScopeOverrideDetails).toBeNull();
    // Siti turns her authenticator off: her next token has no claim.
    cognito.on(AdminGetUserCommand, { Username: 'siti' }).resolves({ UserMFASettingList: [] });
    const again = await handler(tokenEvent(['city_admin'], { userName: 'siti' }));
    expect(again.response.claimsAndScopeOverrideDetails).toBeNull();
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(3);
  });

  it('keeps any override already in the response and adds the claim beside it', async () => {
    mfaSettings(['SOFTWARE_TOKEN_MFA']);
    const e = tokenEvent(['city_admin']);
    e.response.claimsAndScopeOverrideDetails = {
      idTokenGeneration: { claimsToAddOrOverride: { dept: 'dinkes' }, claimsToSuppress: ['email'] },
      accessTokenGeneration: { scopesToAdd: ['sehatkota/admin'] },
    };
    const out = await handler(e);
    expect(out.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: {
        claimsToAddOrOverride: { dept: 'dinkes', mfa: 'true' },
        claimsToSuppress: ['email'],
      },
      accessTokenGeneration: { scopesToAdd: ['sehatkota/admin'], claimsToAddOrOverride: { mfa: 'true' } },
    });
  });

  it('fails the sign-in when Cognito cannot say, rather than guessing', async () => {
    cognito.on(AdminGetUserCommand).rejects(new UserNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(handler(tokenEvent(['city_admin']))).rejects.toThrow('gone');
  });
});
