// An RT's item in the directory (registry table: pk RT, sk <rt code>), apart from the code that writes and shows it
// (rts.ts, which names places from the region data): the chair access check every chair request makes reads items
// only, so the functions carry no more than this for it.

export const RT_PK = 'RT';

export type RtStatus = 'ACTIVE' | 'INACTIVE';

export interface Rt {
  rt: string;
  /** 15.71.01.1012 */
  kelurahan: string;
  rw: string;
  number: string;
  households: number;
  chairName?: string;
  chairPhone?: string;
  status: RtStatus;
  /** Residents the registry holds in this RT. */
  residents: number;
  version: number;
  createdAt?: string;
  updatedAt?: string;
}

/** An item as read, with what items written before the directory had them (status, counts, versions) filled in. */
export function rtFromItem(item: Record<string, unknown>): Rt {
  const { pk: _pk, sk: _sk, ...rest } = item;
  const rt = rest as unknown as Rt;
  return {
    ...rt,
    status: rt.status ?? 'ACTIVE',
    residents: Number(rt.residents ?? 0),
    version: Number(rt.version ?? 0),
  };
}

export const isActiveRt = (rt: Pick<Rt, 'status'> | undefined): boolean => !!rt && rt.status !== 'INACTIVE';
