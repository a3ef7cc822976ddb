// GET /dana — public: the fund pages' index. /dana without the slash goes to /dana/ (301), where the page's links
// and its search form belong; /dana/ itself, when API Gateway routes it here, is the index (dana-pages.ts).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { serveDana, toSlash } from './dana-pages.ts';
import type { Result } from './static.ts';

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  if (!event.rawPath.endsWith('/')) return toSlash(event);
  return serveDana(event, '');
}
