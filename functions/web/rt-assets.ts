// GET /rt/{proxy+}: the form's files (an allow-list, see static.ts) and /rt/config.json, how it signs in.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { config, loadSite, type Result } from './static.ts';

const site = loadSite(import.meta.url);

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  const name = event.pathParameters?.proxy ?? '';
  if (name === 'config.json') return config(event);
  // API Gateway may hand /rt/ to this route with an empty proxy: that is the shell too.
  return site.serve(event, name === '' ? 'index.html' : name);
}
