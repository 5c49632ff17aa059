import { PolicyError } from '../../src/cloudfront/policy';

/** The PolicyError `fn` throws; anything else (a raw TypeError, or no throw) fails the test. */
export function refusal(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError, the input was accepted');
}
