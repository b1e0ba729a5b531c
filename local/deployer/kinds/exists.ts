// Whether a resource exists on the local cloud, asked the way a user would: describe it, and read the
// service's not-found error as "no".

/** A service's not-found exception class (the SDK's, e.g. ResourceNotFoundException). */
type NotFoundException = new (...args: never[]) => Error;

export async function exists(
  describe: () => Promise<unknown>,
  notFound: NotFoundException,
): Promise<boolean> {
  try {
    await describe();
    return true;
  } catch (error) {
    if (error instanceof notFound) return false;
    throw error;
  }
}
