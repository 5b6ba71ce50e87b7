// The only place that writes SQL against Restate's introspection tables (sys_invocation, sys_journal,
// sys_journal_events, state). Pure builders, unit-tested; src/observe/index.ts runs them. The same strings are what
// the verbs print as "the same with curl" hints, so a user sees exactly the query that ran.

/** Quote a value for Restate's SQL (DataFusion): single quotes doubled. */
export function sqlString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** A row of sys_invocation as Restate's SQL returns it (NULL columns absent). The playground's one invocation row. */
export interface InvocationRow {
  id: string;
  target: string;
  target_service_name: string;
  target_service_key?: string;
  target_handler_name: string;
  target_service_ty?: string;
  status: string;
  invoked_by?: string;
  invoked_by_id?: string;
  invoked_by_target?: string;
  invoked_by_subscription_id?: string;
  idempotency_key?: string;
  created_at: string;
  modified_at?: string;
  inboxed_at?: string;
  scheduled_at?: string;
  scheduled_start_at?: string;
  running_at?: string;
  completed_at?: string;
  retry_count?: number;
  last_start_at?: string;
  next_retry_at?: string;
  last_failure?: string;
  last_failure_error_code?: string;
  last_failure_related_command_index?: number;
  last_failure_related_command_name?: string;
  last_failure_related_command_type?: string;
  completion_result?: string;
  completion_failure?: string;
  journal_size?: number;
  journal_commands_size?: number;
  /** set on an invocation made by restart-as-new: the invocation it was restarted from */
  restarted_from?: string;
}

// scheduled_start_at is only filled in when scheduled_at is selected too (restate-server 1.7.12 projection quirk):
// every query selects the whole set.
export const INVOCATION_COLUMNS = [
  "id",
  "target",
  "target_service_name",
  "target_service_key",
  "target_handler_name",
  "target_service_ty",
  "status",
  "invoked_by",
  "invoked_by_id",
  "invoked_by_target",
  "invoked_by_subscription_id",
  "idempotency_key",
  "created_at",
  "modified_at",
  "inboxed_at",
  "scheduled_at",
  "scheduled_start_at",
  "running_at",
  "completed_at",
  "retry_count",
  "last_start_at",
  "next_retry_at",
  "last_failure",
  "last_failure_error_code",
  "last_failure_related_command_index",
  "last_failure_related_command_name",
  "last_failure_related_command_type",
  "completion_result",
  "completion_failure",
  "journal_size",
  "journal_commands_size",
  "restarted_from",
] as const satisfies readonly (keyof InvocationRow)[];

/** A row of sys_journal. */
export interface JournalRow {
  id: string;
  index: number;
  entry_type: string;
  name?: string;
  appended_at?: string;
  entry_json?: string;
  entry_lite_json?: string;
}

/** A row of sys_journal_events. */
export interface JournalEventRow {
  id: string;
  after_journal_entry_index?: number;
  appended_at: string;
  event_type: string;
  event_json?: string;
}

/** A row of the state table. */
export interface StateRow {
  service_name?: string;
  service_key: string;
  key: string;
  value_utf8?: string;
  /** the raw bytes as hex, for values that are not UTF-8 */
  value?: string;
}

/** Status filter values: Restate's own, plus three conveniences. */
export const STATUS_FILTERS = ["pending", "scheduled", "ready", "running", "paused", "backing-off", "suspended", "completed", "active", "succeeded", "failed"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

/** Which invocations: every field narrows (AND). */
export interface InvocationQuery {
  ids?: string[];
  /** id LIKE pattern (resolving shortened ids) */
  idLike?: string;
  service?: string;
  services?: string[];
  key?: string;
  keys?: string[];
  handler?: string;
  /** leave these services out (the playground's own, unless --all) */
  notServices?: string[];
  /** leave out these handlers of any service (the CLI's status reads) */
  notHandlers?: string[];
  idempotencyKey?: string;
  /** "ingress", "subscription", "service", … */
  invokedBy?: string[];
  /** children of these invocations */
  invokedById?: string[];
  /** invocations restarted as new from these (restart-as-new) */
  restartedFrom?: string[];
  subscriptionIds?: string[];
  status?: StatusFilter;
  /** shorthand for status "active": everything not completed */
  notCompleted?: boolean;
  /** created at or after */
  since?: Date;
  limit?: number;
  /** newest first (lists, the default) or oldest first (timelines) */
  order?: "newest" | "oldest";
}

const list = (xs: string[]) => `(${xs.map(sqlString).join(", ")})`;

export function invocationWhere(q: InvocationQuery): string {
  const where: string[] = [];
  if (q.ids) where.push(q.ids.length ? `id IN ${list(q.ids)}` : "FALSE");
  if (q.idLike) where.push(`id LIKE ${sqlString(q.idLike)}`);
  if (q.service) where.push(`target_service_name = ${sqlString(q.service)}`);
  if (q.services) where.push(q.services.length ? `target_service_name IN ${list(q.services)}` : "FALSE");
  if (q.key !== undefined) where.push(`target_service_key = ${sqlString(q.key)}`);
  if (q.keys) where.push(q.keys.length ? `target_service_key IN ${list(q.keys)}` : "FALSE");
  if (q.handler) where.push(`target_handler_name = ${sqlString(q.handler)}`);
  if (q.notServices?.length) where.push(`target_service_name NOT IN ${list(q.notServices)}`);
  if (q.notHandlers?.length) where.push(`target_handler_name NOT IN ${list(q.notHandlers)}`);
  if (q.idempotencyKey !== undefined) where.push(`idempotency_key = ${sqlString(q.idempotencyKey)}`);
  if (q.invokedBy) where.push(`invoked_by IN ${list(q.invokedBy)}`);
  if (q.invokedById) where.push(q.invokedById.length ? `invoked_by_id IN ${list(q.invokedById)}` : "FALSE");
  if (q.restartedFrom) where.push(q.restartedFrom.length ? `restarted_from IN ${list(q.restartedFrom)}` : "FALSE");
  if (q.subscriptionIds) where.push(q.subscriptionIds.length ? `invoked_by_subscription_id IN ${list(q.subscriptionIds)}` : "FALSE");
  const status = q.notCompleted ? "active" : q.status;
  if (status === "active") where.push(`status <> 'completed'`);
  else if (status === "succeeded") where.push(`status = 'completed' AND completion_result = 'success'`);
  else if (status === "failed") where.push(`status = 'completed' AND completion_result = 'failure'`);
  else if (status) where.push(`status = ${sqlString(status)}`);
  if (q.since) where.push(`created_at >= ${sqlString(q.since.toISOString())}`);
  return where.length ? ` WHERE ${where.join(" AND ")}` : "";
}

export function invocationsSql(q: InvocationQuery, columns: readonly string[] = INVOCATION_COLUMNS): string {
  const order = q.order === "oldest" ? "ASC" : "DESC";
  const limit = q.limit !== undefined ? ` LIMIT ${Math.max(1, Math.floor(q.limit))}` : "";
  return `SELECT ${columns.join(", ")} FROM sys_invocation${invocationWhere(q)} ORDER BY created_at ${order}${limit}`;
}

/** How many invocations match, per value of one column (or in total). */
export function countInvocationsSql(q: InvocationQuery, groupBy?: "target_service_key" | "status"): string {
  return groupBy ? `SELECT ${groupBy} AS grp, COUNT(*) AS n FROM sys_invocation${invocationWhere(q)} GROUP BY ${groupBy}` : `SELECT COUNT(*) AS n FROM sys_invocation${invocationWhere(q)}`;
}

/** Which partition key each invocation lives under (sys_invocation_status; a decimal string, u64 does not fit JSON). */
export function invocationPartitionKeysSql(ids: string[]): string {
  return `SELECT id, CAST(partition_key AS VARCHAR) AS partition_key, status FROM sys_invocation_status WHERE ${ids.length ? `id IN ${list(ids)}` : "FALSE"}`;
}

/** Invocations stuck retrying (backing-off at least minRetries times) or paused. */
export function stuckInvocationsSql(minRetries: number): string {
  return `SELECT id, target, status, retry_count, last_failure FROM sys_invocation WHERE status = 'paused' OR (status = 'backing-off' AND retry_count >= ${minRetries}) ORDER BY modified_at LIMIT 20`;
}

/** Invocations waiting out a retry backoff, with the failure that put them there (the supervisor retries them now). */
export function backingOffSql(limit = 500): string {
  return `SELECT id, last_failure FROM sys_invocation WHERE status = 'backing-off' LIMIT ${limit}`;
}

export interface JournalQuery {
  /** the smaller entry_lite_json instead of entry_json (what people paste) */
  lite?: boolean;
  entryType?: string;
}

export function journalSql(ids: string[], opts: JournalQuery = {}): string {
  const where = [ids.length ? `id IN ${list(ids)}` : "FALSE"];
  if (opts.entryType) where.push(`entry_type = ${sqlString(opts.entryType)}`);
  return `SELECT id, index, entry_type, name, appended_at, ${opts.lite ? "entry_lite_json" : "entry_json"} FROM sys_journal WHERE ${where.join(" AND ")} ORDER BY id, index`;
}

/** The journal of one invocation as a user would paste it. */
export function journalSqlFor(id: string): string {
  return `SELECT index, entry_type, name, appended_at, entry_lite_json FROM sys_journal WHERE id = ${sqlString(id)} ORDER BY index`;
}

/** Per invocation, the number of journal entries (all, or only steps: commands other than input and output). */
export function journalCountSql(ids: string[], onlySteps = false): string {
  const steps = onlySteps ? ` AND entry_type LIKE 'Command:%' AND entry_type <> 'Command: Input' AND entry_type <> 'Command: Output'` : "";
  return `SELECT id, COUNT(*) AS n FROM sys_journal WHERE id IN ${list(ids)}${steps} GROUP BY id`;
}

export function journalEventsSql(ids: string[]): string {
  return `SELECT id, after_journal_entry_index, appended_at, event_type, event_json FROM sys_journal_events WHERE id IN ${list(ids)} ORDER BY appended_at`;
}

/** An object's (or every object's) state, optionally one state key. */
export function stateSql(service: string, key?: string, stateKey?: string): string {
  const where = [`service_name = ${sqlString(service)}`];
  if (key !== undefined) where.push(`service_key = ${sqlString(key)}`);
  if (stateKey !== undefined) where.push(`key = ${sqlString(stateKey)}`);
  return `SELECT service_key, key, value_utf8, value FROM state WHERE ${where.join(" AND ")} ORDER BY service_key, key`;
}

/**
 * The invocations a subscription made, with their first journal entry (Command: Input), which keeps the headers the
 * subscription attached (kafka.topic, kafka.partition, kafka.offset): how a Kafka record is matched to its invocation.
 */
export function subscriptionInputsSql(service: string, handler: string, keys: string[], subscriptionIds: string[]): string {
  return `SELECT i.id, i.target_service_key, i.invoked_by_subscription_id, i.created_at, j.entry_json
    FROM sys_invocation i JOIN sys_journal j ON j.id = i.id AND j.index = 0
    WHERE i.invoked_by = 'subscription' AND i.target_service_name = ${sqlString(service)} AND i.target_handler_name = ${sqlString(handler)}
      AND i.target_service_key IN ${list(keys)}
      AND i.invoked_by_subscription_id IN ${list(subscriptionIds)}`;
}

/** A row of sys_promise (workflow promises). */
export interface PromiseRow {
  key: string;
  completed?: boolean;
  completion_success_value_utf8?: string;
  completion_failure?: string;
}

export function promiseSql(service: string, key: string, name: string): string {
  return `SELECT key, completed, completion_success_value_utf8, completion_failure FROM sys_promise WHERE service_name = ${sqlString(service)} AND service_key = ${sqlString(key)} AND key = ${sqlString(name)}`;
}

/** Per deployment and status, the invocations pinned to it that have not completed: what still runs on a deployment. */
export function pinnedInvocationsSql(): string {
  return `SELECT pinned_deployment_id AS deployment, status, COUNT(*) AS n FROM sys_invocation WHERE status <> 'completed' AND pinned_deployment_id IS NOT NULL GROUP BY pinned_deployment_id, status`;
}

/** The deployment each invocation is pinned to (set once its first attempt chose one), with its status. */
export function pinnedDeploymentSql(ids: string[]): string {
  return `SELECT id, pinned_deployment_id, status FROM sys_invocation WHERE ${ids.length ? `id IN ${list(ids)}` : "FALSE"}`;
}

/** The Restate UI's page of one invocation (the UI ships in restate-server at /ui on the admin port). */
export function uiUrlFor(adminUrl: string, id: string): string {
  return `${adminUrl.replace(/\/+$/, "")}/ui/invocations/${encodeURIComponent(id)}`;
}

/** Completed invocations of some services, newest first, whose journal is still kept (what replay-check replays). */
export function completedWithJournalSql(services: string[], limit: number, notInvokedBy: string[] = []): string {
  const where = [
    services.length ? `target_service_name IN ${list(services)}` : "FALSE",
    `status = 'completed'`,
    `completion_result = 'success'`,
    `journal_size > 0`,
    ...(notInvokedBy.length ? [`invoked_by NOT IN ${list(notInvokedBy)}`] : []),
  ];
  return `SELECT ${INVOCATION_COLUMNS.join(", ")} FROM sys_invocation WHERE ${where.join(" AND ")} ORDER BY created_at DESC LIMIT ${Math.max(1, Math.floor(limit))}`;
}
