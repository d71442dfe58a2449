import { isUserError } from '../errors';

/** A tool call the server refuses, with the input field at fault. Messages carry names, never values. */
export class ToolError extends Error {
  constructor(
    readonly code: 'invalid_input' | 'rejected' | 'internal_error',
    message: string,
    readonly field?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ToolError';
  }

  toJSON(): { error: { code: string; field?: string; pointer?: string; message: string; hint?: string } } {
    return {
      error: {
        code: this.code,
        ...(this.field ? { field: this.field, pointer: `/${this.field}` } : {}),
        message: this.message,
        ...(this.hint ? { hint: this.hint } : {}),
      },
    };
  }
}

/**
 * Runs a catalog check shared with the CLI (which throws a UserError) on one input field: its
 * refusal becomes that field's ToolError, with the same message and hint.
 */
export function checkField<T>(field: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (isUserError(err)) throw invalid(field, err.diagnostics[0]!.message, err.diagnostics[0]!.hint);
    throw err;
  }
}

/** An input error naming `field`. */
export function invalid(field: string, message: string, hint?: string): ToolError {
  return new ToolError('invalid_input', message, field, hint);
}
