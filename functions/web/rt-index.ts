// GET /rt: the RT chair's form. /rt without the slash goes to /rt/, where the shell's relative URLs
// (app.js, sw.js with scope /rt/) resolve; /rt/ is the shell itself.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { loadSite, type Result, redirect } from './static.ts';

const site = loadSite(import.meta.url);

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  if (!event.rawPath.endsWith('/')) {
    return redirect(`/rt/${event.rawQueryString ? `?${event.rawQueryString}` : ''}`);
  }
  return site.serve(event, 'index.html');
}
