/**
 * A small typed client for the REST API (shared/docs/api-contract.md). Visitors authenticate with
 * the website's public key and their visitor id, agents with the secret key and their member id, or
 * with a member token (which names its member itself).
 */
import type {
  AssistantConfig,
  AuditEntry,
  Conversation,
  ConversationPage,
  LifecycleSettings,
  MemberChange,
  MemberFields,
  MemberStatus,
  Priority,
  RoutingRules,
  SavedReply,
  SavedReplyFields,
  TeamMemberInfo,
  TimelineItem,
  TimelinePage,
  VisitorPage,
  WebhookAttemptInfo,
  WebhookEndpointInfo,
  WebhookEventType,
  WebsiteInfo,
} from './wire';

export type Credentials =
  | { kind: 'visitor'; publicKey: string; visitorId?: string }
  /**
   * `key`: the website's secret key, or a member token (`mt_…`). With the secret key and without
   * `agentId` an agent may only read (listings, timeline, team, audit).
   */
  | { kind: 'agent'; key: string; agentId?: string };

/** An error answer from the API: `{error: {code, message, details?}}` and its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The fields a `400` names (`details.fields[].path`, as `body.item.text`); none for any other failure. */
export function refusedFields(error: unknown): string[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const fields = (error.details as { fields?: unknown } | undefined)?.fields;
  return Array.isArray(fields) ? fields.map((field: { path?: unknown }) => field.path).filter((path): path is string => typeof path === 'string') : [];
}

/** An answer with the `ETag` it carried (absent: none). */
export interface Tagged<T> {
  value: T;
  etag?: string;
}

/** One field of a tagged answer (`{settings}`'s settings), with the answer's tag. */
export const taggedField = <T, K extends keyof T>({ value, etag }: Tagged<T>, field: K): Tagged<T[K]> => ({ value: value[field], etag });

/** A refusal the same request would meet again: a 4xx, but a timeout (408) or a rate limit (429), which pass. */
export const isRefusal = (error: unknown): error is ApiError =>
  error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;

/** An answer without the API's error body: a proxy's or a gateway's page in front of the server. */
export const isForeignAnswer = (error: ApiError): boolean => error.code === `HTTP_${error.status}`;

/**
 * The server could not be reached (the network is down, or the request timed out): fetch's own
 * error says only "Failed to fetch", which tells a reader nothing.
 */
export class UnreachableError extends Error {
  constructor(cause: unknown) {
    const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
    super(timedOut ? 'The server took too long to answer. Please try again.' : "Couldn't reach the server. Check your internet connection.", { cause });
    this.name = 'UnreachableError';
  }
}

/** fetch, failing with UnreachableError when no answer came. */
async function fetchOrUnreachable(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new UnreachableError(error);
  }
}

/** How long a JSON request may take before it fails (uploads are not bounded: they take as long as the file). */
const REQUEST_TIMEOUT_MS = 30_000;

export interface ConversationQuery {
  status?: string;
  priority?: string;
  tag?: string;
  assigneeId?: string;
  /** `ai` or `waiting` (for a person): agents only. */
  handler?: string;
  /** Search text: agents only. */
  q?: string;
  /** `waiting` or `priority` (`recent` when absent): agents only. */
  sort?: string;
  limit?: number;
  cursor?: string;
}

/** A new item as a client sends it; `id` makes retries idempotent. */
export interface NewItem {
  id?: string;
  type: string;
  text?: string;
  visibility?: 'public' | 'private';
  [field: string]: unknown;
}

export interface UploadedFile {
  id: string;
  url: string;
  mediaType: string;
  filename: string;
  size: number;
}

/** Who a visitor is on the customer's website: `userHash` is the hex HMAC-SHA256 of `externalId` under the identity secret. */
/** Who the visitor is, proven by `userHash` (of `externalId`), or by `userJwt`, whose `sub` `externalId` repeats. */
export type Identity = { externalId: string; userHash: string; email?: string; name?: string } | { externalId: string; userJwt: string };

type Query = Record<string, string | number | undefined>;

const path = (strings: TemplateStringsArray, ...ids: string[]) =>
  strings.reduce((out, part, i) => out + part + (i < ids.length ? encodeURIComponent(ids[i] ?? '') : ''), '');

export class ApiClient {
  constructor(
    readonly credentials: Credentials,
    private readonly origin = '',
  ) {}

  /** Credential headers; the socket passes the same as query parameters. */
  private headers(): Record<string, string> {
    const c = this.credentials;
    if (c.kind === 'agent') return { Authorization: `Bearer ${c.key}`, ...(c.agentId ? { 'X-Actor-User-Id': c.agentId } : {}) };
    return c.visitorId ? { 'X-Public-Key': c.publicKey, 'X-Visitor-Id': c.visitorId } : { 'X-Public-Key': c.publicKey };
  }

  /**
   * The `/ws` URL with this caller's credentials (a browser cannot set a socket's headers), all but
   * an agent's key, which goes in `socketProtocols` so that no URL holds it.
   */
  socketUrl(base: string = location.href, { withKey = false } = {}): string {
    const url = new URL('/ws', this.origin || base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const c = this.credentials;
    const params: Record<string, string> =
      c.kind === 'agent' ? { ...(withKey ? { token: c.key } : {}), actorUserId: c.agentId ?? '' } : { publicKey: c.publicKey, visitorId: c.visitorId ?? '' };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /** The subprotocols a socket offers: an agent's key as `bearer.<key>` (server/realtime/socket-server.ts). */
  socketProtocols(): string[] {
    const c = this.credentials;
    return c.kind === 'agent' ? ['support.v1', `bearer.${c.key}`] : [];
  }

  /**
   * A file (its `url` as an item's file part carries it), fetched with this caller's headers, as a
   * `blob:` URL the page can show or open: credentials never go into a link someone could copy.
   */
  async fileObjectUrl(fileUrl: string): Promise<string> {
    const response = await fetchOrUnreachable(`${this.origin}${fileUrl}`, { headers: this.headers() });
    if (!response.ok) await this.parsed(response);
    return URL.createObjectURL(await response.blob());
  }

  private async send(method: string, route: string, body: unknown, query: Query, headers: Record<string, string> = {}): Promise<Response> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.set(key, String(value));
    const qs = search.size ? `?${search}` : '';
    return fetchOrUnreachable(`${this.origin}/v1${route}${qs}`, {
      method,
      headers: { ...this.headers(), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      // A request the network left hanging fails, so what waits on it (a retry, a name) carries on.
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  async request<T>(method: string, route: string, body?: unknown, query: Query = {}): Promise<T> {
    return this.parsed<T>(await this.send(method, route, body, query));
  }

  /**
   * A setting's read or write, with the `ETag` the answer carries (the setting's revision);
   * `ifMatch`: the tag a write holds to, refused (`412`) when someone else saved since.
   */
  private async tagged<T>(method: string, route: string, body?: unknown, ifMatch?: string): Promise<Tagged<T>> {
    const response = await this.send(method, route, body, {}, ifMatch === undefined ? {} : { 'If-Match': ifMatch });
    return { value: await this.parsed<T>(response), etag: response.headers.get('ETag') ?? undefined };
  }

  /** Uploads a file to a conversation (its raw bytes as the body); a message then names it in a file part. */
  async uploadFile(conversationId: string, file: File): Promise<{ file: UploadedFile }> {
    const query = new URLSearchParams({ conversationId, filename: file.name });
    const response = await fetchOrUnreachable(`${this.origin}/v1/files?${query}`, {
      method: 'POST',
      headers: { ...this.headers(), 'Content-Type': file.type || 'application/octet-stream' },
      body: file,
    });
    return this.parsed(response);
  }

  /** The answer's JSON, or an ApiError for an error answer. */
  private async parsed<T>(response: Response): Promise<T> {
    const payload = response.status === 204 ? undefined : await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = (payload as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
      throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`, error?.message ?? response.statusText, error?.details);
    }
    return payload as T;
  }

  // Visitors and agents

  website = () => this.request<WebsiteInfo>('GET', '/websites');
  memberNames = (ids: string[]) => this.request<{ members: Array<{ id: string; name: string }> }>('GET', '/websites/members', undefined, { ids: ids.join(',') });
  listConversations = (query: ConversationQuery = {}) => this.request<ConversationPage>('GET', '/conversations', undefined, { ...query });
  getConversation = (id: string) => this.request<{ conversation: Conversation }>('GET', path`/conversations/${id}`);
  createConversation = (conversationId: string, defaultTimelineItems: NewItem[] = [], metadata?: Record<string, unknown>) =>
    this.request<{ conversation: Conversation; initialTimelineItems: TimelineItem[] }>('POST', '/conversations', {
      conversationId,
      ...(defaultTimelineItems.length > 0 ? { defaultTimelineItems } : {}),
      ...(metadata ? { metadata } : {}),
    });
  timeline = (id: string, query: { afterSeq?: number; beforeSeq?: number; cursor?: string; limit?: number }) =>
    this.request<TimelinePage>('GET', path`/conversations/${id}/timeline`, undefined, query);
  postItem = (conversationId: string, item: NewItem) => this.request<{ item: TimelineItem }>('POST', '/messages', { conversationId, item });
  /** Seen up to `seq`, the newest item the page shows. */
  markSeen = (id: string, seq: number) => this.request<{ lastSeenAt: string; lastSeenSeq: number }>('POST', path`/conversations/${id}/seen`, { seq });
  /** Answers an interactive item (e.g. `choose` on `quick_replies`); the answer is recorded as a new item. */
  answer = (conversationId: string, itemId: string, actionId: string, answer: unknown) =>
    this.request<{ item: TimelineItem }>('POST', path`/conversations/${conversationId}/items/${itemId}/actions/${actionId}`, { answer });
  /** Links this visitor to the website's user `externalId` (visitors only; `userHash` is computed by the website's backend). */
  identify = (identity: Identity) => this.request<{ contact: unknown; visitor: unknown }>('POST', '/contacts/identify', identity);

  // Agents only

  /** The team member this caller acts as, and whether it may change the website's configuration (`admin`). */
  me = () => this.request<{ member: TeamMemberInfo; role?: 'agent' | 'admin' }>('GET', '/team/me');
  /** Revokes a member token of this member (signing out with it). */
  revokeMemberToken = (memberId: string, tokenId: string) => this.request<undefined>('DELETE', path`/team/members/${memberId}/tokens/${tokenId}`);
  /** A visitor of the website: where their widget said they were last (`lastPage`), and the pages before (`recentPages`, newest first; none from an older server). */
  visitor = (id: string) => this.request<{ visitor: { id: string; lastPage?: VisitorPage; recentPages?: VisitorPage[] } }>('GET', path`/visitors/${id}`);
  team = () => this.request<{ members: TeamMemberInfo[]; formerMembers: Array<Pick<TeamMemberInfo, 'id' | 'name'>> }>('GET', '/team');
  addMember = (fields: MemberFields) => this.request<{ member: TeamMemberInfo }>('POST', '/team/members', fields);
  changeMember = (id: string, fields: MemberChange) => this.request<{ member: TeamMemberInfo }>('PATCH', path`/team/members/${id}`, fields);
  /** Sets the caller's own status (any acting person; an admin sets another's with `changeMember`). */
  setMyStatus = (status: MemberStatus) => this.request<{ member: TeamMemberInfo }>('PUT', '/team/me/status', { status });
  removeMember = (id: string) => this.request<undefined>('DELETE', path`/team/members/${id}`);
  assistants = () => this.request<{ agents: AssistantConfig[] }>('GET', '/ai-agents');
  assistant = (id: string) => this.tagged<{ agent: AssistantConfig }>('GET', path`/ai-agents/${id}`);
  /** Changes some top-level fields of the assistant's configuration; `null` takes an optional one off. `ifMatch`: the revision it was read at. */
  changeAssistant = (id: string, fields: Record<string, unknown>, ifMatch?: string) => this.tagged<{ agent: AssistantConfig }>('PATCH', path`/ai-agents/${id}`, fields, ifMatch);
  lifecycleSettings = () => this.tagged<{ settings: LifecycleSettings }>('GET', '/settings/lifecycle');
  /** Replaces the lifecycle settings whole, over the revision `ifMatch` names. */
  putLifecycleSettings = (settings: LifecycleSettings, ifMatch?: string) => this.tagged<{ settings: LifecycleSettings }>('PUT', '/settings/lifecycle', settings, ifMatch);
  routing = () => this.tagged<{ routing: RoutingRules }>('GET', '/settings/routing');
  /** Replaces the routing rules whole, over the revision `ifMatch` names. */
  putRouting = (routing: RoutingRules, ifMatch?: string) => this.tagged<{ routing: RoutingRules }>('PUT', '/settings/routing', routing, ifMatch);
  savedReplies = () => this.request<{ savedReplies: SavedReply[] }>('GET', '/saved-replies');
  addSavedReply = (fields: SavedReplyFields) => this.request<{ savedReply: SavedReply }>('POST', '/saved-replies', fields);
  changeSavedReply = (id: string, fields: Partial<SavedReplyFields>) => this.request<{ savedReply: SavedReply }>('PATCH', path`/saved-replies/${id}`, fields);
  removeSavedReply = (id: string) => this.request<undefined>('DELETE', path`/saved-replies/${id}`);
  webhooks = () => this.request<{ webhooks: WebhookEndpointInfo[] }>('GET', '/webhooks');
  /** Makes an endpoint; `secret` signs what it is sent and is in this answer only. */
  addWebhook = (fields: { url: string; events: WebhookEventType[]; description?: string }) => this.request<{ webhook: WebhookEndpointInfo; secret: string }>('POST', '/webhooks', fields);
  removeWebhook = (id: string) => this.request<undefined>('DELETE', path`/webhooks/${id}`);
  renewWebhookSecret = (id: string) => this.request<{ webhook: WebhookEndpointInfo; secret: string }>('POST', path`/webhooks/${id}/rotate-secret`);
  webhookAttempts = (id: string) => this.request<{ deliveries: WebhookAttemptInfo[] }>('GET', path`/webhooks/${id}/deliveries`);
  /** Sends again every event the endpoint has not taken since `since`: how many. */
  redeliverWebhook = (id: string, since: string) => this.request<{ redelivered: number }>('POST', path`/webhooks/${id}/redeliver`, { since });
  redeliverWebhookEvent = (id: string, eventId: string) => this.request<{ redelivered: number }>('POST', path`/webhooks/${id}/deliveries/${eventId}/redeliver`);
  audit = (id: string) => this.request<{ entries: AuditEntry[] }>('GET', path`/conversations/${id}/audit`);
  /** `upToSeq`: the newest item the reader has seen; the server refuses (`409`) while the visitor wrote after it. */
  resolve = (id: string, upToSeq?: number) => this.lifecycle('POST', path`/conversations/${id}/resolve`, upToSeq === undefined ? {} : { upToSeq });
  reopen = (id: string) => this.lifecycle('POST', path`/conversations/${id}/reopen`, {});
  /** `expectedPriority`: the priority the agent saw; if it changed since, the server refuses (`409`). */
  setPriority = (id: string, priority: Priority, expectedPriority: Priority) => this.lifecycle('PATCH', path`/conversations/${id}`, { priority, expectedPriority });
  changeTags = (id: string, change: { add?: string[]; remove?: string[] }) => this.lifecycle('POST', path`/conversations/${id}/tags`, change);
  join = (id: string, userId: string) => this.lifecycle('POST', path`/conversations/${id}/participants`, { userId });
  /** `expectedAssigneeId`: the assignee the agent saw (`null`: none); if it changed since, the server refuses (`409`). */
  assign = (id: string, userId: string, expectedAssigneeId?: string | null) =>
    this.lifecycle('POST', path`/conversations/${id}/assign`, expectedAssigneeId === undefined ? { userId } : { userId, expectedAssigneeId });
  /** `expectedAssigneeId`: the assignee the agent saw; if someone else is by now, the server refuses (`409`). */
  unassign = (id: string, expectedAssigneeId?: string) => this.lifecycle('DELETE', path`/conversations/${id}/assign`, expectedAssigneeId === undefined ? {} : { expectedAssigneeId });
  escalate = (id: string, reason: string) => this.lifecycle('POST', path`/conversations/${id}/escalate`, { reason });
  pauseAi = (id: string, minutes?: number) => this.lifecycle('POST', path`/conversations/${id}/ai/pause`, minutes ? { minutes } : {});
  resumeAi = (id: string) => this.lifecycle('POST', path`/conversations/${id}/ai/resume`, {});
  handBack = (id: string) => this.lifecycle('POST', path`/conversations/${id}/handback`, {});

  private lifecycle(method: string, route: string, body: unknown): Promise<Conversation> {
    return this.request<{ conversation: Conversation }>(method, route, body).then((r) => r.conversation);
  }
}

/** A random id for client-chosen conversation and item ids (idempotent retries). */
export const clientId = (prefix: string): string => `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;
