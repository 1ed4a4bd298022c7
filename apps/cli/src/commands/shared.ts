import { ApiError, CliError, EXIT } from '../errors';

/** `promise`, with a 404 from Ordo turned into `no build <id>`. */
export async function orNoBuild<T>(id: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError('not_found', `no build ${id}`, EXIT.failed, { cause: error });
    }
    throw error;
  }
}
