// The one route table: every HTTP route once, with its handler file and the roles it admits.
// The CDK stack builds one function per route from it, the local server serves it, and the auth
// middleware reads each route's roles from it by routeKey — so the three cannot drift.
import type { Role } from './roles.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a function may touch; the CDK stack grants exactly this and nothing else. */
export interface Grants {
  registry?: 'read' | 'readWrite';
  audit?: 'write';
  idempotency?: true;
  /** Put events on the application bus. */
  bus?: true;
  /** Send SMS / publish to topics. */
  notify?: true;
  /** Resident import uploads bucket. */
  imports?: 'presignPut' | 'read';
}

export interface RouteDef {
  method: Method;
  /** API Gateway path syntax: /residents/{nik} */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  handler: string;
  /** Roles admitted; 'public' routes have no authorizer. */
  roles: readonly Role[] | 'public';
  grants: Grants;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const ROUTES: readonly RouteDef[] = [
  {
    method: 'POST',
    path: '/residents',
    handler: 'functions/registry/create-resident.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', bus: true },
  },
  {
    method: 'GET',
    path: '/residents/{nik}',
    handler: 'functions/registry/get-resident.ts',
    roles: ['city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/residents/{nik}/coverage',
    handler: 'functions/registry/change-coverage.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', bus: true },
  },
  {
    method: 'POST',
    path: '/residents/import',
    handler: 'functions/registry/import-residents.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  {
    method: 'POST',
    path: '/residents/import/uploads',
    handler: 'functions/registry/create-import-upload.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', imports: 'presignPut' },
  },
  {
    method: 'GET',
    path: '/residents/import/{jobId}',
    handler: 'functions/registry/get-import-job.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/coverage/{nik}',
    handler: 'functions/registry/get-coverage.ts',
    roles: ['clinic', 'city_admin', 'operator'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/uhc',
    handler: 'functions/registry/get-uhc.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/premiums/{month}',
    handler: 'functions/registry/get-premiums.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
];

export function routeKey(route: Pick<RouteDef, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

const byKey = new Map(ROUTES.map((r) => [routeKey(r), r]));

export function findRoute(key: string): RouteDef | undefined {
  return byKey.get(key);
}
