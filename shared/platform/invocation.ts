// What runs when an invocation ends, whatever its handler wrapper (http.ts, event-handler.ts): a module registers
// its step here when it is imported, so a wrapper runs it without importing the module — the business metrics
// (metrics.ts) flush per invocation in the functions that emit them, and no other bundle carries them.

type Step = () => void;

const steps: Step[] = [];

/** Registers a step to run at the end of every invocation (after the reply or the error). */
export function atInvocationEnd(step: Step): void {
  if (!steps.includes(step)) steps.push(step);
}

/** Runs the registered steps; one that throws does not keep the others (or the reply) from happening. */
export function endInvocation(): void {
  for (const step of steps) {
    try {
      step();
    } catch {
      // A step is telemetry: losing it must never turn a served request into a failed one.
    }
  }
}
