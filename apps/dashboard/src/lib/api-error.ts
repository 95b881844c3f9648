/** An error answer of the API: `{error: {code, message, details}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The message to show a person for any failure. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    const details = Array.isArray(err.details)
      ? (err.details as Array<{ field?: string; reason?: string }>).filter((d) => d.field && d.reason).map((d) => `${d.field}: ${d.reason}`)
      : [];
    return details.length ? `${err.message} (${details.join('; ')})` : err.message;
  }
  return err instanceof Error ? err.message : 'Something went wrong';
}
