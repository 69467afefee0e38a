/** Where a Computer Server listens unless told otherwise, and so where a client looks first. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8000;
