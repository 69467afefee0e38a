/** Decides whether a (container name, API key) pair may use this server. */
export interface Verifier {
  /** A short description for the start-up line; never contains a key. */
  readonly description: string;
  verify(containerName: string, apiKey: string): Promise<boolean>;
}
