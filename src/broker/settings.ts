// The broker's bounds: how much one client may make it hold or do. Each is a setting with a default close to Apache
// Kafka's own (named beside it), read from the environment by the broker process (`PATTERNS_BROKER_*`), so a test or
// a user can tighten or loosen one without a code change. A bound that is hit is answered the way Kafka answers it
// (an error code, or a paused socket), never by growing.

export interface BrokerLimits {
  /** largest request frame accepted; a bigger size prefix closes the connection (Kafka: socket.request.max.bytes) */
  maxRequestBytes: number;
  /** largest record batch a producer may write, compressed as sent (Kafka: message.max.bytes) */
  maxBatchBytes: number;
  /** largest a compressed batch may grow when inflated; beyond it the batch is refused (Kafka has no such bound) */
  maxDecompressedBytes: number;
  /** most record bytes one fetch answer carries, whatever the client asks (Kafka: fetch.max.bytes) */
  maxFetchBytes: number;
  /** requests read ahead per connection while one is answered; beyond it the broker stops reading the socket */
  maxQueuedRequests: number;
  /** bytes per connection held as read-ahead requests plus answers the client has not read yet */
  maxBufferedBytes: number;
  /** open connections; one more is closed at once (Kafka: max.connections) */
  maxConnections: number;
  /** a connection with no request in progress and nothing received for this long is closed (Kafka: connections.max.idle.ms) */
  idleMs: number;
  /** error lines of one kind logged per window before they are counted instead */
  logBurst: number;
  /** the window of logBurst, ms */
  logWindowMs: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: BrokerLimits = {
  maxRequestBytes: 100 * MiB,
  maxBatchBytes: 1024 * 1024 + 12,
  maxDecompressedBytes: 16 * MiB,
  maxFetchBytes: 55 * MiB,
  maxQueuedRequests: 32,
  maxBufferedBytes: 8 * MiB,
  maxConnections: 512,
  idleMs: 10 * 60 * 1000,
  logBurst: 20,
  logWindowMs: 10_000,
};

/** The environment variable of each setting. */
export const LIMIT_ENV: Record<keyof BrokerLimits, string> = {
  maxRequestBytes: "PATTERNS_BROKER_MAX_REQUEST_BYTES",
  maxBatchBytes: "PATTERNS_BROKER_MAX_BATCH_BYTES",
  maxDecompressedBytes: "PATTERNS_BROKER_MAX_DECOMPRESSED_BYTES",
  maxFetchBytes: "PATTERNS_BROKER_MAX_FETCH_BYTES",
  maxQueuedRequests: "PATTERNS_BROKER_MAX_QUEUED_REQUESTS",
  maxBufferedBytes: "PATTERNS_BROKER_MAX_BUFFERED_BYTES",
  maxConnections: "PATTERNS_BROKER_MAX_CONNECTIONS",
  idleMs: "PATTERNS_BROKER_IDLE_MS",
  logBurst: "PATTERNS_BROKER_LOG_BURST",
  logWindowMs: "PATTERNS_BROKER_LOG_WINDOW_MS",
};

/** The defaults with whatever the environment sets; a value that is not a positive integer is an error naming it. */
export function limitsFromEnv(env: NodeJS.ProcessEnv): BrokerLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(LIMIT_ENV) as (keyof BrokerLimits)[]) {
    const raw = env[LIMIT_ENV[key]];
    if (raw === undefined || raw === "") continue;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${LIMIT_ENV[key]}=${raw}: expected a positive integer`);
    out[key] = Number(raw);
  }
  return out;
}
