/** A page the office can read when something is not there or not right. */
export class PageError extends Error {
  constructor(
    readonly status: number,
    readonly heading: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
