// Application errors, each with its HTTP status, and the one place that turns any error into an
// `application/problem+json` answer.
import type { CommandType, Refusal, TicketStatus } from '@helpdesk/contracts';
import type { ErrorRequestHandler } from 'express';
import { TicketForbiddenError, TicketNotFoundError, TicketRefusedError } from '@helpdesk/ticket-client';
import type { z } from 'zod';

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: {
      errors?: FieldProblem[];
      currentStatus?: TicketStatus;
      allowedCommands?: CommandType[];
      hint?: string;
    } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(errors: FieldProblem[]) {
    super(400, 'invalid_request', `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, { errors });
  }

  static fromZod(error: z.ZodError, prefix = 'body'): ValidationError {
    return new ValidationError(
      error.issues.map((i) => ({
        field: [prefix, ...i.path.map(String)].join('.'),
        message: i.code === 'unrecognized_keys' ? `has unknown field(s): ${i.keys.join(', ')}` : i.message,
      })),
    );
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class NotFoundError extends AppError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

/** A command the ticket refused: the workflow's reason, mapped to an HTTP status. */
export class CommandRefusedError extends AppError {
  constructor(refusal: Refusal) {
    const status = { forbidden: 403, invalid_input: 400, missing_fields: 422, closed: 409, invalid_transition: 409 }[refusal.code];
    super(status, refusal.code, refusal.message, {
      currentStatus: refusal.status,
      ...(refusal.allowed ? { allowedCommands: refusal.allowed } : {}),
      ...(refusal.missing ? { errors: refusal.missing.map((field) => ({ field, message: 'is required' })) } : {}),
      ...(refusal.code === 'closed' ? { hint: 'A reply to a closed ticket creates a follow-up ticket' } : {}),
    });
  }
}

export const problemHandler =
  (log: (err: unknown, requestId: string) => void): ErrorRequestHandler =>
  (err: unknown, req, res, _next) => {
    const requestId = String(res.locals.requestId ?? '');
    let error: AppError;
    if (err instanceof AppError) {
      error = err;
    } else if (err instanceof TicketRefusedError) {
      error = new CommandRefusedError(err.refusal);
    } else if (err instanceof TicketNotFoundError) {
      error = new NotFoundError(`Ticket ${err.ticketId}`);
    } else if (err instanceof TicketForbiddenError) {
      error = new ForbiddenError(err.message);
    } else if (isBodyParserError(err)) {
      error =
        err.type === 'entity.too.large'
          ? new AppError(413, 'payload_too_large', 'The request body is too large')
          : err.type === 'encoding.unsupported' || err.type === 'charset.unsupported'
            ? new AppError(415, 'unsupported_media_type', 'Send the body as UTF-8 JSON, uncompressed or gzip/deflate')
            : new AppError(400, 'invalid_json', 'The request body is not valid JSON');
    } else {
      log(err, requestId);
      error = new AppError(500, 'internal', 'Something went wrong on our side; the request id helps us find it');
    }
    res
      .status(error.status)
      .type('application/problem+json')
      .json({
        type: `urn:helpdesk:problem:${error.code}`,
        title: error.code.replace(/_/g, ' '),
        status: error.status,
        detail: error.message,
        instance: req.originalUrl,
        requestId,
        ...error.extra,
      });
  };

function isBodyParserError(err: unknown): err is { type: string; status: number } {
  return typeof err === 'object' && err !== null && 'type' in err && 'status' in err && typeof (err as { type: unknown }).type === 'string';
}
