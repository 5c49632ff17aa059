/** A deploy-time operation that failed (AWS call, upload, smoke check setup); never carries secrets. */
export class DeployError extends Error {
  constructor(
    readonly code: `ERR_${string}`,
    message: string,
  ) {
    super(message);
    this.name = 'DeployError';
  }
}

/** The name (and HTTP status) of an AWS SDK error, without its message, which may echo input. */
export function awsErrorName(error: unknown): string {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  const name = typeof e?.name === 'string' ? e.name : 'Error';
  const status = e?.$metadata?.httpStatusCode;
  return status ? `${name} (HTTP ${status})` : name;
}
