// A staff account's record in the registry table (pk STAFF, sk <username>; by role in gsi1), apart from the code that
// changes accounts (staff.ts, which needs the user pool's client): the chair access check reads records only.
import type { Role } from '#shared/platform/roles.ts';

export const STAFF_PK = 'STAFF';
export const staffKey = (username: string) => ({ pk: STAFF_PK, sk: username });

export type StaffStatus = 'PENDING' | 'ACTIVE' | 'DISABLED';

export interface Staff {
  username: string;
  /** The account's Cognito sub: what tokens and audit records name. */
  sub?: string;
  name: string;
  role: Role;
  rt?: string;
  unit?: string;
  puskesmas?: string;
  /** A kader account's own NIK. */
  nik?: string;
  email?: string;
  phone?: string;
  status: StaffStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

/** A staff record as stored: its keys, the role index's keys, the record. */
export const staffItem = (s: Staff) => ({
  ...staffKey(s.username),
  gsi1pk: `STAFF#${s.role}`,
  gsi1sk: s.username,
  ...s,
});

export function staffFromItem(item: Record<string, unknown>): Staff {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, ...rest } = item;
  return rest as unknown as Staff;
}

/** A staff account as the API shows it: never a password (Cognito alone ever has the temporary one). */
export function staffView(s: Staff) {
  return {
    username: s.username,
    name: s.name,
    role: s.role,
    ...(s.rt ? { rt: s.rt } : {}),
    ...(s.unit ? { unit: s.unit } : {}),
    ...(s.puskesmas ? { puskesmas: s.puskesmas } : {}),
    ...(s.nik ? { nik: s.nik } : {}),
    ...(s.email ? { email: s.email } : {}),
    ...(s.phone ? { phone: s.phone } : {}),
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}
