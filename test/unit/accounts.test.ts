// Staff accounts in Cognito with aws-sdk-client-mock: AdminCreateUser with the invitation by e-mail and/or SMS (the
// temporary password is Cognito's, never sent from here), the user's attributes as the city vouches for them, a taken
// username as AccountExists with that account's sub, the role's group, disabling (with every session signed out)
// and enabling, the user pool from USER_POOL_ID, and local mode's own store in place of Cognito.
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AccountExists,
  type Accounts,
  accounts,
  cognitoAccounts,
  type NewAccount,
  setAccounts,
  USER_POOL_ENV,
} from '../../shared/platform/accounts.ts';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'ap-southeast-3_TestPool';
const saved = process.env[USER_POOL_ENV];

beforeEach(() => {
  cognito.reset();
  process.env[USER_POOL_ENV] = POOL;
});

afterEach(() => {
  if (saved === undefined) delete process.env[USER_POOL_ENV];
  else process.env[USER_POOL_ENV] = saved;
  setAccounts(undefined);
});

const account = (over: Partial<NewAccount> = {}): NewAccount => ({
  username: 'ketua-rt-uji',
  name: 'Ketua RT Uji',
  role: 'rt_chair',
  attributes: {},
  ...over,
});

/** Cognito's reply to AdminCreateUser: the new user with its sub. */
const created = (sub: string) =>
  cognito.on(AdminCreateUserCommand).resolves({
    User: {
      Username: 'ketua-rt-uji',
      Enabled: true,
      UserStatus: 'FORCE_CHANGE_PASSWORD',
      Attributes: [
        { Name: 'name', Value: 'Ketua RT Uji' },
        { Name: 'sub', Value: sub },
      ],
    },
  });

const createInput = () => {
  const calls = cognito.commandCalls(AdminCreateUserCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
};

/** The commands sent, in order, by name. */
const sent = () => cognito.calls().map((c) => (c.args[0] as object).constructor.name);

describe('cognitoAccounts.create', () => {
  it('invites by e-mail and SMS with verified address and number and the custom attributes; returns the sub', async () => {
    created('sub-123');
    const out = await cognitoAccounts.create(
      account({
        email: 'ketua@example.org',
        phone: '+6281255503001',
        attributes: { rt: '2172011001-001-001', unit: 'AMB-01', puskesmas: 'PKM-01' },
      }),
    );
    expect(out).toEqual({ sub: 'sub-123', invitedBy: ['EMAIL', 'SMS'] });
    expect(createInput()).toEqual({
      UserPoolId: POOL,
      Username: 'ketua-rt-uji',
      DesiredDeliveryMediums: ['EMAIL', 'SMS'],
      UserAttributes: [
        { Name: 'name', Value: 'Ketua RT Uji' },
        { Name: 'email', Value: 'ketua@example.org' },
        { Name: 'email_verified', Value: 'true' },
        { Name: 'phone_number', Value: '+6281255503001' },
        { Name: 'phone_number_verified', Value: 'true' },
        { Name: 'custom:rt', Value: '2172011001-001-001' },
        { Name: 'custom:unit', Value: 'AMB-01' },
        { Name: 'custom:puskesmas', Value: 'PKM-01' },
      ],
    });
    expect(sent()).toEqual(['AdminCreateUserCommand']);
  });

  it('invites by e-mail only when only an address is given', async () => {
    created('sub-email');
    const out = await cognitoAccounts.create(account({ email: 'admin@example.org', role: 'city_admin' }));
    expect(out).toEqual({ sub: 'sub-email', invitedBy: ['EMAIL'] });
    const input = createInput();
    expect(input.DesiredDeliveryMediums).toEqual(['EMAIL']);
    expect(input.UserAttributes).toEqual([
      { Name: 'name', Value: 'Ketua RT Uji' },
      { Name: 'email', Value: 'admin@example.org' },
      { Name: 'email_verified', Value: 'true' },
    ]);
  });

  it('invites by SMS only when only a number is given, with the RT as custom:rt', async () => {
    created('sub-sms');
    const out = await cognitoAccounts.create(
      account({ phone: '+6281255503002', attributes: { rt: '2172011001-001-001' } }),
    );
    expect(out).toEqual({ sub: 'sub-sms', invitedBy: ['SMS'] });
    const input = createInput();
    expect(input.DesiredDeliveryMediums).toEqual(['SMS']);
    expect(input.UserAttributes).toEqual([
      { Name: 'name', Value: 'Ketua RT Uji' },
      { Name: 'phone_number', Value: '+6281255503002' },
      { Name: 'phone_number_verified', Value: 'true' },
      { Name: 'custom:rt', Value: '2172011001-001-001' },
    ]);
  });

  it('never sends a temporary password nor a MessageAction: Cognito makes the password and sends the invitation', async () => {
    created('sub-x');
    await cognitoAccounts.create(account({ email: 'a@example.org', phone: '+6281255503003' }));
    const input = createInput();
    expect(input).not.toHaveProperty('TemporaryPassword');
    expect(input).not.toHaveProperty('MessageAction');
    expect(JSON.stringify(input)).not.toMatch(/password/i);
  });

  it('throws AccountExists with the existing account’s sub when the username is taken', async () => {
    cognito
      .on(AdminCreateUserCommand)
      .rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }));
    cognito.on(AdminGetUserCommand).resolves({
      Username: 'ketua-rt-uji',
      UserAttributes: [
        { Name: 'email', Value: 'old@example.org' },
        { Name: 'sub', Value: 'sub-existing' },
      ],
    });
    const error = await cognitoAccounts.create(account({ email: 'a@example.org' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountExists);
    expect((error as AccountExists).sub).toBe('sub-existing');
    expect((error as AccountExists).name).toBe('AccountExists');
    const get = cognito.commandCalls(AdminGetUserCommand);
    expect(get).toHaveLength(1);
    expect(get[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'ketua-rt-uji' });
    expect(sent()).toEqual(['AdminCreateUserCommand', 'AdminGetUserCommand']);
  });

  it('lets any other error through, asking nothing more', async () => {
    const failure = new InternalErrorException({ message: 'Cognito is down', $metadata: {} });
    cognito.on(AdminCreateUserCommand).rejects(failure);
    await expect(cognitoAccounts.create(account({ email: 'a@example.org' }))).rejects.toBe(failure);
    expect(cognito.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });

  it('refuses, naming USER_POOL_ID, when no user pool is set', async () => {
    delete process.env[USER_POOL_ENV];
    created('sub-none');
    await expect(cognitoAccounts.create(account({ email: 'a@example.org' }))).rejects.toThrow(/USER_POOL_ID/);
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('groups, disabling and enabling', () => {
  it('addToGroup puts the user in the group named after the role', async () => {
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    await cognitoAccounts.addToGroup('ketua-rt-uji', 'rt_chair');
    const calls = cognito.commandCalls(AdminAddUserToGroupCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ketua-rt-uji',
      GroupName: 'rt_chair',
    });
  });

  it('disable turns the account off, then signs it out everywhere', async () => {
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    await cognitoAccounts.disable('ketua-rt-uji');
    expect(sent()).toEqual(['AdminDisableUserCommand', 'AdminUserGlobalSignOutCommand']);
    const expected = { UserPoolId: POOL, Username: 'ketua-rt-uji' };
    expect(cognito.commandCalls(AdminDisableUserCommand)[0]!.args[0].input).toEqual(expected);
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual(expected);
  });

  it('enable turns the account on again', async () => {
    cognito.on(AdminEnableUserCommand).resolves({});
    await cognitoAccounts.enable('ketua-rt-uji');
    expect(sent()).toEqual(['AdminEnableUserCommand']);
    expect(cognito.commandCalls(AdminEnableUserCommand)[0]!.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ketua-rt-uji',
    });
  });
});

describe('accounts()', () => {
  it('is Cognito unless another store is set, and Cognito again once it is unset', async () => {
    expect(accounts()).toBe(cognitoAccounts);
    const fake: Accounts = {
      create: async () => ({ sub: 'fake-sub', invitedBy: [] }),
      addToGroup: async () => undefined,
      disable: async () => undefined,
      enable: async () => undefined,
    };
    setAccounts(fake);
    expect(accounts()).toBe(fake);
    expect(await accounts().create(account())).toEqual({ sub: 'fake-sub', invitedBy: [] });
    expect(cognito.calls()).toHaveLength(0);
    setAccounts(undefined);
    expect(accounts()).toBe(cognitoAccounts);
  });
});
