// Staff sign-in accounts: Cognito's user pool in AWS (AdminCreateUser sends the invitation with Cognito's temporary
// password by e-mail or SMS; the role is the user's group; custom:rt, custom:unit and custom:puskesmas are set by
// admins only); local mode swaps in its own store, which needs nothing beyond the staff records (dev tokens).
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';

export interface NewAccount {
  username: string;
  name: string;
  /** The Cognito group. */
  role: string;
  email?: string;
  /** E.164 */
  phone?: string;
  /** custom:<key> attributes: rt, unit, puskesmas, nik. */
  attributes: Record<string, string>;
}

/** The username is taken in the user pool; `sub` is that account's. */
export class AccountExists extends Error {
  constructor(readonly sub: string) {
    super('An account with this username exists');
    this.name = 'AccountExists';
  }
}

export interface Accounts {
  /**
   * Creates the account, which sends the invitation (with the user pool's temporary password, never seen here) by
   * e-mail and/or SMS. Throws AccountExists when the username is taken.
   */
  create(account: NewAccount): Promise<{ sub: string; invitedBy: ('EMAIL' | 'SMS')[] }>;
  /** Puts the account in its role's group; doing it again changes nothing. */
  addToGroup(username: string, role: string): Promise<void>;
  /** No more sign-ins, and every refresh token revoked: the user is out within the hour an ID token lasts. */
  disable(username: string): Promise<void>;
  enable(username: string): Promise<void>;
}

/** The environment variable that names the user pool for the functions granted `accounts`. */
export const USER_POOL_ENV = 'USER_POOL_ID';

let client: CognitoIdentityProviderClient | undefined;
const cognitoClient = () => (client ??= new CognitoIdentityProviderClient({}));
function poolId(): string {
  const id = process.env[USER_POOL_ENV];
  if (!id) throw new Error(`${USER_POOL_ENV} is not set`);
  return id;
}

const subOf = (attributes: { Name?: string; Value?: string }[] | undefined) =>
  attributes?.find((a) => a.Name === 'sub')?.Value ?? '';

export const cognitoAccounts: Accounts = {
  async create(account) {
    const invitedBy = [
      ...(account.email ? (['EMAIL'] as const) : []),
      ...(account.phone ? (['SMS'] as const) : []),
    ];
    try {
      const out = await cognitoClient().send(
        new AdminCreateUserCommand({
          UserPoolId: poolId(),
          Username: account.username,
          DesiredDeliveryMediums: invitedBy,
          UserAttributes: [
            { Name: 'name', Value: account.name },
            // The city vouches for the address and number it enters: they get the invitation and recover the account.
            ...(account.email
              ? [
                  { Name: 'email', Value: account.email },
                  { Name: 'email_verified', Value: 'true' },
                ]
              : []),
            ...(account.phone
              ? [
                  { Name: 'phone_number', Value: account.phone },
                  { Name: 'phone_number_verified', Value: 'true' },
                ]
              : []),
            ...Object.entries(account.attributes).map(([k, v]) => ({ Name: `custom:${k}`, Value: v })),
          ],
        }),
      );
      return { sub: subOf(out.User?.Attributes), invitedBy: [...invitedBy] };
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      const user = await cognitoClient().send(
        new AdminGetUserCommand({ UserPoolId: poolId(), Username: account.username }),
      );
      throw new AccountExists(subOf(user.UserAttributes));
    }
  },
  async addToGroup(username, role) {
    await cognitoClient().send(
      new AdminAddUserToGroupCommand({ UserPoolId: poolId(), Username: username, GroupName: role }),
    );
  },
  async disable(username) {
    await cognitoClient().send(new AdminDisableUserCommand({ UserPoolId: poolId(), Username: username }));
    await cognitoClient().send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: poolId(), Username: username }),
    );
  },
  async enable(username) {
    await cognitoClient().send(new AdminEnableUserCommand({ UserPoolId: poolId(), Username: username }));
  },
};

let override: Accounts | undefined;

/** Local mode (and tests) swap in their own accounts store. */
export function setAccounts(accounts: Accounts | undefined): void {
  override = accounts;
}

export function accounts(): Accounts {
  return override ?? cognitoAccounts;
}
