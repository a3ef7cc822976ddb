// Typed domain errors; the HTTP middleware maps each to its status code in one place.
export interface Issue {
  path: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export class ValidationError extends DomainError {
  /** `extra` goes into the reply beside the issues (e.g. a template's worst-case length). */
  constructor(
    readonly issues: Issue[],
    extra: Record<string, unknown> = {},
  ) {
    super(400, 'ValidationError', issues.map((i) => `${i.path}: ${i.message}`).join('; '), {
      ...extra,
      issues,
    });
  }
  static field(path: string, message: string): ValidationError {
    return new ValidationError([{ path, message }]);
  }
}

export class Unauthorized extends DomainError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'Unauthorized', message);
  }
}

export class Forbidden extends DomainError {
  /** `details` go into the reply beside the message (e.g. a machine-readable `reason`). */
  constructor(message = 'Your role may not do this', details: Record<string, unknown> = {}) {
    super(403, 'Forbidden', message, details);
  }
}

export class NotFound extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(404, 'NotFound', message, details);
  }
}

export class Conflict extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(409, 'Conflict', message, details);
  }
}

export class PayloadTooLarge extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(413, 'PayloadTooLarge', message, details);
  }
}

export class UnsupportedMediaType extends DomainError {
  constructor(message: string) {
    super(415, 'UnsupportedMediaType', message);
  }
}

/** The Idempotency-Key was used before with a different request. */
export class IdempotencyKeyReused extends DomainError {
  constructor(message = 'This Idempotency-Key was already used for a different request; use a new key') {
    super(422, 'IdempotencyKeyReused', message);
  }
}

export class TooManyRequests extends DomainError {
  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(429, code, message, details);
  }
}
