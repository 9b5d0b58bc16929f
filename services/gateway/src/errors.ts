// Application errors, each with its HTTP status, and the one place that turns any error into an
// `application/problem+json` answer.
import type { CommandType, Dependency, Refusal, TicketStatus } from '@helpdesk/contracts';
import type { ErrorRequestHandler } from 'express';
import {
  DirectoryRefusedError,
  TicketForbiddenError,
  TicketNotFoundError,
  TicketRefusedError,
} from '@helpdesk/ticket-client';
import { DirectoryConflictError, SettingsConflictError } from '@helpdesk/persistence';
import { WorkflowUpdateRPCTimeoutOrCancelledError, isGrpcServiceError } from '@temporalio/client';
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
      /** What was unreachable or too slow: `temporal` or `store`. */
      dependency?: Dependency;
    } = {},
    /** Seconds, sent as the Retry-After header. */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Long enough for a restart of a dependency, short enough that clients come back soon. */
export const RETRY_AFTER_SECONDS = 5;

const RETRY_HINT =
  'Retry the same request after Retry-After seconds with the same Idempotency-Key: it then acts exactly once';

/** Temporal or the store cannot be reached: 503, nothing was done (or a retry with the same key completes it once). */
export class DependencyUnavailableError extends AppError {
  constructor(dependency: Dependency, detail?: string) {
    const what = dependency === 'temporal' ? 'The workflow service (Temporal)' : 'The store';
    super(
      503,
      'dependency_unavailable',
      `${what} is unreachable${detail ? ` (${detail})` : ''}; nothing can be promised about this request yet`,
      { dependency, hint: RETRY_HINT },
      RETRY_AFTER_SECONDS,
    );
  }
}

/** No answer within COMMAND_TIMEOUT_MS, typically because no ticket worker is polling: 504. */
export class CommandTimeoutError extends AppError {
  constructor(detail?: string) {
    super(
      504,
      'command_timeout',
      `The ticket did not answer in time${detail ? ` (${detail})` : ''}; the command may still take effect when a ticket worker picks it up`,
      { dependency: 'temporal', hint: RETRY_HINT },
      RETRY_AFTER_SECONDS,
    );
  }
}

/** Mongo errors that mean "no server to talk to right now", by name (the gateway has no driver of its own). */
const STORE_UNREACHABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
  'StoreUnavailableError',
]);
/** Server codes of a primary that is stepping down or shutting down: transient too. */
const STORE_TRANSIENT_CODES = new Set([91, 189, 10107, 11600, 11602, 13435, 13436]);
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/**
 * The one place that recognises a dependency outage or time-out in any error the code below let
 * through: Temporal gRPC UNAVAILABLE / DEADLINE_EXCEEDED (also wrapped as a cause), an Update that
 * did not finish before the deadline, and the Mongo driver's server-selection and network errors.
 */
export function dependencyProblem(err: unknown): AppError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    if (e instanceof AppError) return undefined;
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return new CommandTimeoutError();
    if (isGrpcServiceError(e)) {
      if (e.code === GRPC_UNAVAILABLE) return new DependencyUnavailableError('temporal', e.details);
      if (e.code === GRPC_DEADLINE_EXCEEDED) return new CommandTimeoutError();
    }
    const code = (e as { code?: unknown }).code;
    if (
      STORE_UNREACHABLE.has(e.name) ||
      (e.name.startsWith('Mongo') && typeof code === 'number' && STORE_TRANSIENT_CODES.has(code))
    ) {
      return new DependencyUnavailableError('store');
    }
  }
  return undefined;
}

export class ValidationError extends AppError {
  constructor(errors: FieldProblem[]) {
    super(400, 'invalid_request', `Invalid request: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
      errors,
    });
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
    const status = { forbidden: 403, invalid_input: 400, missing_fields: 422, closed: 409, invalid_transition: 409 }[
      refusal.code
    ];
    super(status, refusal.code, refusal.message, {
      currentStatus: refusal.status,
      ...(refusal.allowed ? { allowedCommands: refusal.allowed } : {}),
      ...(refusal.missing ? { errors: refusal.missing.map((field) => ({ field, message: 'is required' })) } : {}),
      ...(refusal.code === 'closed' ? { hint: 'A reply to a closed ticket creates a follow-up ticket' } : {}),
    });
  }
}

export const problemHandler =
  (log: (err: unknown, requestId: string, problem?: AppError) => void): ErrorRequestHandler =>
  (err: unknown, req, res, _next) => {
    const requestId = String(res.locals.requestId ?? '');
    let error: AppError;
    const outage = dependencyProblem(err);
    if (outage) {
      log(err, requestId, outage);
      error = outage;
    } else if (err instanceof AppError) {
      error = err;
    } else if (err instanceof TicketRefusedError) {
      error = new CommandRefusedError(err.refusal);
    } else if (err instanceof TicketNotFoundError) {
      error = new NotFoundError(`Ticket ${err.ticketId}`);
    } else if (err instanceof TicketForbiddenError) {
      error = new ForbiddenError(err.message);
    } else if (err instanceof DirectoryRefusedError) {
      // Nothing was sent to the ticket: it is as it was.
      error = new AppError(err.status, err.code, `${err.field} ${err.message}`, {
        errors: [{ field: err.field, message: err.message }],
      });
    } else if (err instanceof DirectoryConflictError) {
      error = new AppError(409, 'conflict', err.message);
    } else if (err instanceof SettingsConflictError) {
      error = new AppError(409, 'conflict', err.message, { hint: 'Send the same change again' });
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
    if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
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
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    typeof (err as { type: unknown }).type === 'string'
  );
}
