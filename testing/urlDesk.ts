/**
 * The socket's `url` option as a function the walk answers: each connection attempt asks for its
 * URL, and waits until the step that needs the attempt to go on answers it (with the server's URL,
 * or with an invalid one).
 */
export class UrlDesk {
  #requests: ((url: string) => void)[] = [];

  readonly url = (): Promise<string> => new Promise((resolve) => this.#requests.push(resolve));

  /** Whether an attempt waits for its URL. */
  get waiting(): boolean {
    return this.#requests.length > 0;
  }

  answer(url: string): void {
    const resolve = this.#requests.shift();
    if (resolve === undefined) throw new Error('no url request to answer');
    resolve(url);
  }
}
