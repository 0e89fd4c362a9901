// One error type for HTTP handlers, rendered in one place (errorHandler).
import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger.js';

export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.code, message: err.message });
      return;
    }
    // body-parser errors carry a status (e.g. 400 invalid JSON, 413 too large).
    const status =
      typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) logger.error({ err, path: req.path }, 'unhandled error');
    res.status(status).json({
      error: status === 500 ? 'internal' : 'bad_request',
      message: status === 500 ? 'internal error' : String(err.message ?? 'bad request'),
    });
  };
}
