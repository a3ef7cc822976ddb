// Time-ordered ids (9 base-36 digits of milliseconds, then 48 random bits): sorted as strings, they are in
// the order they were made, so a sort key of them lists newest or oldest first without another attribute.
import { randomBytes } from 'node:crypto';

export function timeOrderedId(now = Date.now()): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
}
