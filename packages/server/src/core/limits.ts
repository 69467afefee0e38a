/**
 * Every number that bounds what a client can make the server do, in one place: the README's
 * security section states these, and tests read them from here.
 */

const KiB = 1024;
const MiB = 1024 * KiB;

export const LIMITS = {
  /** Largest inbound frame or `/cmd` body (upstream's effective limit, uvicorn's default). */
  maxFrameBytes: 16 * MiB,
  /**
   * Largest encoded reply on any transport. A bigger one is replaced by a `reply_too_large`
   * failure that names this limit and the way around it (ranges, scale, format).
   */
  maxReplyBytes: 16 * MiB,
  /**
   * Most file bytes one `read_bytes`/`read_text` reply carries (base64: 10.7 MiB on the wire).
   * Upstream clients read whole files only up to 5 MiB and use 1 MiB ranges above that.
   */
  maxReadBytes: 8 * MiB,
  /**
   * `run_command`: stdout and stderr together, as encoded on the wire (JSON escapes count), so
   * the reply stays under the 10 MiB message limit of upstream's Python client.
   */
  maxCommandOutputWireBytes: 10 * MiB - 64 * KiB,

  /** Requests with an `id` running at once on one connection. */
  maxConcurrentPerConnection: 32,
  /** Received requests not yet answered, per connection; reading pauses at this many. */
  maxQueuedRequestsPerConnection: 1024,
  /**
   * Memory one connection may hold in queued requests, reserved reads and unsent replies;
   * reading pauses when it is reached and resumes below it.
   */
  connectionBudgetBytes: 64 * MiB,
  /** The same, summed over every connection and `/cmd` request of the server. */
  serverBudgetBytes: 256 * MiB,
  /**
   * While the server budget is exhausted, connections holding less than this keep being read,
   * so a client with small requests is not held hostage by clients that do not read.
   */
  budgetFloorBytes: 1 * MiB,
  /** What a queued request costs beyond twice its size (its string and its parsed form). */
  requestOverheadBytes: 1 * KiB,

  /** Before authentication: bytes a `/ws` socket may send (the `authenticate` frame and all). */
  maxPreAuthBytes: 64 * KiB,
  /** Connections (sockets and `/cmd` requests) not yet authenticated, per client address. */
  maxUnauthenticatedPerAddress: 32,
  /** And in total. */
  maxUnauthenticatedTotal: 256,
  /** A `/ws` socket that has not authenticated by then is closed. */
  handshakeTimeoutMs: 10_000,
  /** An HTTP request whose headers have not all arrived by then is dropped. */
  headersTimeoutMs: 10_000,
  /** An HTTP request (headers and body) not received by then is dropped. */
  requestTimeoutMs: 120_000,

  /** Failed attempts per address or per credential within the window before delays start. */
  freeAuthFailures: 3,
  authFailureWindowMs: 60_000,
  /** Delay of a failure reply: doubles from this with each further failure... */
  authFailureBaseDelayMs: 250,
  /** ...up to this. */
  authFailureMaxDelayMs: 5_000,
  /**
   * Failed attempts per window from all addresses together. Beyond it every failure waits the
   * longest delay and remote checks start at most one per `slowLaneIntervalMs`, so rotating
   * addresses does not multiply guesses.
   */
  globalAuthFailureBudget: 300,
  slowLaneIntervalMs: 250,
  /** Remote key verifications running at once, per client address and in total. */
  maxRemoteChecksPerAddress: 4,
  maxRemoteChecksTotal: 16,

  /** After a load that held at least this much, the CLI collects garbage once it is over... */
  reclaimAfterBytes: 32 * MiB,
  /** ...or after work that grew the process by this much since the last collection... */
  reclaimAfterRssGrowthBytes: 16 * MiB,
  /** ...this long after the server last held anything. */
  reclaimDelayMs: 1_000,

  /** Shutdown: how long in-flight requests may finish before they are aborted. */
  shutdownGraceMs: 5_000,
  /** After aborting, how long shutdown waits for their process trees to die. */
  shutdownAbortWaitMs: 3_000,

  /** Terminals (`/pty`): sessions alive at once, server-wide. */
  maxPtySessions: 32,
  /** Recent output each session keeps, replayed to a subscriber that attaches late. */
  ptyScrollbackBytes: 256 * KiB,
  /** A session with no input, output or resize for this long is ended. */
  ptyIdleMs: 30 * 60_000,
  /** Any session is ended this long after it started, busy or not. */
  ptyMaxLifetimeMs: 12 * 60 * 60_000,
  /**
   * Its owner gone: no `/stream` or `/ws` subscriber attached and no request naming it for this
   * long, and a session is ended (a client that reconnects within it finds its terminal).
   */
  ptyOwnerGraceMs: 60_000,
  /** An exited session stays this long, so a late subscriber still gets its output and code. */
  ptyExitedRetentionMs: 60_000,
  /** Output queued for one subscriber that does not read; past it that subscriber is dropped. */
  ptySubscriberBufferBytes: 4 * MiB,
  /** Largest body of a `/pty*` or `/playwright_exec` request (stdin, resize, actions). */
  maxSideRouteBodyBytes: 1 * MiB,
  /** `/playwright_exec`: starting the browser, and each navigation or action. */
  browserLaunchTimeoutMs: 30_000,
  browserActionTimeoutMs: 30_000,
} as const;

/** `8388608` → `8 MiB (8388608 bytes)`: exact, and readable. */
export function describeBytes(bytes: number): string {
  const mib = bytes / MiB;
  const short =
    bytes >= MiB ? `${Number(mib.toFixed(1))} MiB` : `${Number((bytes / KiB).toFixed(1))} KiB`;
  return `${short} (${bytes} bytes)`;
}
