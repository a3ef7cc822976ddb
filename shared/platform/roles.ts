// The Cognito groups a caller can belong to; every route names the ones it admits.
export const ROLES = [
  'city_admin',
  'clinic',
  'rt_chair',
  'social_verifier',
  'operator',
  'responder',
  // A community health cadre (kader): records their own activities on the web form.
  'kader',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
