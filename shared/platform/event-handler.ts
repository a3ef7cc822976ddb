// What every non-HTTP function (event rules, schedules, queues, timers) is wrapped in: the logger learns the
// invocation (function name, request id, cold start) and forgets it afterwards, so no line is attributed to another;
// what the invocation recorded (its metrics) is written when it ends.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { endInvocation } from './invocation.ts';
import { logger, maskError } from './logger.ts';

export function eventHandler<E, R>(
  fn: (event: E, context: Context) => Promise<R>,
): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R, Error, Context>()
    .use({
      before: (request) => {
        if (request.context?.awsRequestId) logger.addContext(request.context);
      },
      after: () => {
        endInvocation();
        logger.resetKeys();
      },
      onError: (request) => {
        endInvocation();
        logger.resetKeys();
        // Rethrown to Lambda (which retries or dead-letters the event), whose runtime logs the error as it is.
        maskError(request.error);
      },
    })
    .handler(fn);
  // Tests (and the local job runner) may call it without a Lambda context.
  return (event, context) => wrapped(event, context ?? ({} as Context));
}
