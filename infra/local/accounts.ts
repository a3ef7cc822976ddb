// Local mode's user pool: the staff records (shared/city/staff.ts) are the accounts, and POST /auth/dev-token signs
// one in by username; so making an account here only hands out its id. No invitation goes anywhere: there is no
// password to send.
import { randomUUID } from 'node:crypto';
import type { Accounts } from '#shared/platform/accounts.ts';

export const localAccounts: Accounts = {
  async create() {
    return { sub: randomUUID(), invitedBy: [] };
  },
  async addToGroup() {},
  async disable() {},
  async enable() {},
};
