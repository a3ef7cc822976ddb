// What every non-HTTP function (event rules, schedules) is wrapped in: the logger learns the invocation
// (function name, request id, cold start) and forgets it afterwards, so no line is attributed to another.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';

export function eventHandler<E, R>(
  fn: (event: E, context: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R, Error, Context>()
    .use({
      before: (request) => {
        if (request.context?.awsRequestId) logger.addContext(request.context);
      },
      after: () => logger.resetKeys(),
      onError: () => logger.resetKeys(),
    })
    .handler(fn);
  // Tests (and the local job runner) may call it without a Lambda context.
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
