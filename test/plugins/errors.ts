/** The error a synchronous call throws, for asserting on its code, message and details. */
import type { AppError } from '../../domain';

export function caught(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    return error as AppError;
  }
  throw new Error('expected an error');
}
