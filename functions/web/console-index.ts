// GET /console: the staff console. /console without the slash goes to /console/, where the shell's relative URLs
// (app.js, vendor/…) resolve; /console/ is the shell itself.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { CONSOLE_SITE, loadSite, type Result } from './static.ts';

const site = loadSite(import.meta.url, CONSOLE_SITE);

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  if (!event.rawPath.endsWith('/')) {
    return site.redirect(`/console/${event.rawQueryString ? `?${event.rawQueryString}` : ''}`);
  }
  return site.serve(event, 'index.html');
}
