/** Decides whether a (container name, API key) pair may use this server. */
export interface Verifier {
  /** A short description for the start-up line; never contains a key. */
  readonly description: string;
  /** `address`: the client's, so remote checks can be bounded per address. */
  verify(containerName: string, apiKey: string, address?: string): Promise<boolean>;
}
