// GET /console/{proxy+}: the console's files (an allow-list, see static.ts), the vendor files under vendor/, and
// /console/config.json: how it signs in, and the operator's map.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CONSOLE_SITE, loadSite, type Result } from './static.ts';

const site = loadSite(import.meta.url, CONSOLE_SITE);

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  const name = event.pathParameters?.proxy ?? '';
  if (name === 'config.json') return site.config(event);
  // API Gateway may hand /console/ to this route with an empty proxy: that is the shell too.
  return site.serve(event, name === '' ? 'index.html' : name);
}
