/**
 * The settings routes' conditional writes: each read answers a strong `ETag` (the stored
 * revision), and a write with `If-Match` is stored only over that very revision, else `412` with
 * nothing written, so of two admins saving what they read at the same moment one is told.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

interface SettingRoute {
  name: string;
  path: string;
  method: 'PUT' | 'PATCH';
  /** What the answer's body holds the setting under. */
  field: string;
  /** A body that stores something told apart by `n`, and that value as the setting shows it. */
  body(n: number): unknown;
  shown(n: number): unknown;
}

const ROUTES: SettingRoute[] = [
  {
    name: 'lifecycle settings',
    path: '/v1/settings/lifecycle',
    method: 'PUT',
    field: 'settings',
    body: (n) => ({ defaultAiPauseMinutes: n }),
    shown: (n) => expect.objectContaining({ defaultAiPauseMinutes: n }),
  },
  {
    name: 'routing rules',
    path: '/v1/settings/routing',
    method: 'PUT',
    field: 'routing',
    body: (n) => ({ rules: [{ team: 'billing', tags: [`tag-${n}`] }], defaultTeam: 'support' }),
    shown: (n) => ({ rules: [{ team: 'billing', tags: [`tag-${n}`] }], defaultTeam: 'support' }),
  },
  {
    name: 'AI assistant (PATCH)',
    path: `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`,
    method: 'PATCH',
    field: 'agent',
    body: (n) => ({ instructions: `Answer in ${n} words` }),
    shown: (n) => expect.objectContaining({ instructions: `Answer in ${n} words` }),
  },
  {
    name: 'AI assistant (PUT)',
    path: `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`,
    method: 'PUT',
    field: 'agent',
    body: (n) => ({ name: 'Acme Assistant', instructions: `Reply within ${n} lines` }),
    shown: (n) => expect.objectContaining({ instructions: `Reply within ${n} lines` }),
  },
];

const STRONG_TAG = /^"[^"]+"$/;

// First: the routing rules are not stored yet, so the write goes where no document is.
it('takes a write holding a setting never stored (its defaults): the first stores it, a second holding the same is refused', async () => {
  const defaults = await t.api.call('GET', '/v1/settings/routing', AGENT);
  expect(defaults.headers.get('etag')).toMatch(STRONG_TAG);
  const ifMatch = { 'If-Match': defaults.headers.get('etag')! };
  const first = await t.api.call('PUT', '/v1/settings/routing', AGENT, { ...defaults.body.routing, defaultTeam: 'billing' }, ifMatch);
  expect(first.status).toBe(200);
  const second = await t.api.call('PUT', '/v1/settings/routing', AGENT, { ...defaults.body.routing, defaultTeam: 'technical' }, ifMatch);
  expect(second.status).toBe(412);
  expect((await t.api.call('GET', '/v1/settings/routing', AGENT)).body.routing.defaultTeam).toBe('billing');
});

describe.each(ROUTES)('$name: $method $path', (route) => {
  const read = () => t.api.call('GET', route.path, AGENT);
  const write = (n: number, ifMatch?: string) => t.api.call(route.method, route.path, AGENT, route.body(n), ifMatch === undefined ? {} : { 'If-Match': ifMatch });

  it('is read with a strong ETag, which a write stored over it changes, and answers', async () => {
    const before = await read();
    expect(before.headers.get('etag')).toMatch(STRONG_TAG);
    const written = await write(101, before.headers.get('etag')!);
    expect(written.status).toBe(200);
    expect(written.body[route.field]).toEqual(route.shown(101));
    expect(written.headers.get('etag')).toMatch(STRONG_TAG);
    expect(written.headers.get('etag')).not.toBe(before.headers.get('etag'));
    const after = await read();
    expect(after.headers.get('etag')).toBe(written.headers.get('etag'));
    expect(after.body[route.field]).toEqual(route.shown(101));
  });

  it('refuses a write whose If-Match is not the stored revision: 412, and nothing written', async () => {
    const stale = (await read()).headers.get('etag')!;
    expect((await write(102)).status).toBe(200);
    const current = await read();
    // An empty list is a list too, naming no revision.
    for (const ifMatch of [stale, `W/${current.headers.get('etag')}`, '"not-a-revision"', ' , ']) {
      const refused = await write(103, ifMatch);
      expect(refused.status).toBe(412);
      expect(refused.body).toEqual({ error: { code: 'ERR_PRECONDITION_FAILED', message: expect.stringContaining('Someone else saved these settings') } });
    }
    const after = await read();
    expect(after.body).toEqual(current.body);
    expect(after.headers.get('etag')).toBe(current.headers.get('etag'));
  });

  it('refuses an If-Match that is no list of entity tags: 400 naming the header, and nothing written', async () => {
    const before = await read();
    const tag = before.headers.get('etag')!;
    for (const malformed of ['3', tag.slice(0, -1), `${tag} ${tag}`, 'W/', `${tag}, *`]) {
      const refused = await write(109, malformed);
      expect(refused.status, malformed).toBe(400);
      expect(refused.body.error.details.fields).toEqual([{ path: 'headers.if-match', message: expect.stringContaining('entity tags') }]);
    }
    expect((await read()).headers.get('etag')).toBe(tag);
    // Empty list elements and spaces are a list's, as HTTP writes lists.
    expect((await write(109, ` , ${tag} ,`)).status).toBe(200);
  });

  it('of two writes sent at once with the same If-Match, stores one and refuses the other', async () => {
    const etag = (await read()).headers.get('etag')!;
    const [first, second] = await Promise.all([write(104, etag), write(105, etag)]);
    expect([first.status, second.status].sort()).toEqual([200, 412]);
    const [winner, n] = first.status === 200 ? [first, 104] : [second, 105];
    const after = await read();
    expect(after.body[route.field]).toEqual(route.shown(n));
    expect(after.headers.get('etag')).toBe(winner.headers.get('etag'));
  });

  it('writes whatever is stored with If-Match: *, or without If-Match, answering the new ETag', async () => {
    expect((await write(106)).status).toBe(200);
    const any = await write(107, '*');
    expect(any.status).toBe(200);
    const after = await read();
    expect(after.body[route.field]).toEqual(route.shown(107));
    expect(any.headers.get('etag')).toMatch(STRONG_TAG);
    expect(after.headers.get('etag')).toBe(any.headers.get('etag'));
    // A list naming the stored revision among others holds too.
    const listed = await write(108, `"999999", ${any.headers.get('etag')}`);
    expect(listed.status).toBe(200);
    expect((await read()).body[route.field]).toEqual(route.shown(108));
  });
});

it("keeps both of two assistant PATCHes sent at once without If-Match, each changing its own field: neither merged over what the other replaced", async () => {
  const path = `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`;
  for (let round = 0; round < 5; round++) {
    const [instructions, stepBudget] = [`Round ${round}: be brief`, 5 + (round % 3)];
    const answers = await Promise.all([
      t.api.call('PATCH', path, AGENT, { instructions }),
      t.api.call('PATCH', path, AGENT, { stepBudget }),
      t.api.call('PATCH', path, AGENT, { raisePriorityOnEscalation: round % 2 === 0 ? 'high' : 'urgent' }),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect((await t.api.call('GET', path, AGENT)).body.agent).toMatchObject({ instructions, stepBudget, raisePriorityOnEscalation: round % 2 === 0 ? 'high' : 'urgent' });
  }
});

/** Holds a store call until opened: `reached` once a call is held. */
function gate() {
  let open!: () => void;
  let reach!: () => void;
  return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open(), reached: new Promise<void>((resolve) => (reach = resolve)), reach: () => reach() };
}

/** Holds the first save of a configuration that `matches`, once written (before what follows it in its request), until opened. */
function holdAfterSave(matches: (config: Record<string, unknown>) => boolean) {
  const { store } = t.app;
  const { putSetting } = store;
  const held = gate();
  let holding = false;
  store.putSetting = async (...args) => {
    const saved = await putSetting(...args);
    if (!holding && matches(args[2] as Record<string, unknown>)) {
      holding = true;
      held.reach();
      await held.opened;
    }
    return saved;
  };
  return { ...held, restore: () => Object.assign(store, { putSetting }) };
}

/** The assistant's name as the team lists it. */
const teamNameOfAssistant = async (): Promise<string | undefined> =>
  (await t.api.call('GET', '/v1/team', AGENT)).body.members.find((member: { id: string }) => member.id === DEFAULT_ASSISTANT_ID)?.name;

it("renames the assistant only by a save that changed its name: one merged over another's new name does not rename it again, late", async () => {
  const path = `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`;
  const { store } = t.app;
  const { getSettingRecord } = store;
  const beforeRead = gate();
  const afterWrite = holdAfterSave((config) => config.instructions === 'Merged late');
  let readHeld = false;
  store.getSettingRecord = async (...args) => {
    if (!readHeld && args[1] === `aiAgent:${DEFAULT_ASSISTANT_ID}`) {
      readHeld = true;
      beforeRead.reach();
      await beforeRead.opened;
    }
    return getSettingRecord(...args);
  };
  try {
    // The instructions' change has its assistant in hand, and is held before it reads the configuration.
    const late = t.api.call('PATCH', path, AGENT, { instructions: 'Merged late' });
    await beforeRead.reached;
    expect((await t.api.call('PATCH', path, AGENT, { name: 'Ava' })).status).toBe(200);
    beforeRead.open();
    // Merged over Ava and written, it is held again; meanwhile another admin names the assistant Cal.
    await afterWrite.reached;
    expect((await t.api.call('PATCH', path, AGENT, { name: 'Cal' })).status).toBe(200);
    afterWrite.open();
    expect((await late).status).toBe(200);
  } finally {
    Object.assign(store, { getSettingRecord });
    afterWrite.restore();
  }
  expect((await t.api.call('GET', path, AGENT)).body.agent).toMatchObject({ name: 'Cal', instructions: 'Merged late' });
  expect(await teamNameOfAssistant()).toBe('Cal');
});

it('names the assistant in the team as its configuration does when two renames cross: the one applied last reads the later save', async () => {
  const path = `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`;
  const afterWrite = holdAfterSave((config) => config.name === 'Ava');
  try {
    // Ava is saved, and held before the team hears of it; meanwhile another admin names it Cal, saved and renamed.
    const first = t.api.call('PATCH', path, AGENT, { name: 'Ava' });
    await afterWrite.reached;
    expect((await t.api.call('PATCH', path, AGENT, { name: 'Cal' })).status).toBe(200);
    afterWrite.open();
    expect((await first).status).toBe(200);
  } finally {
    afterWrite.restore();
  }
  expect((await t.api.call('GET', path, AGENT)).body.agent).toMatchObject({ name: 'Cal' });
  expect(await teamNameOfAssistant()).toBe('Cal');
});

it('answers a PATCH without If-Match that kept losing to other saves with 409, not a 412 naming an If-Match it never sent', async () => {
  const { store } = t.app;
  const { putSetting } = store;
  let attempts = 0;
  store.putSetting = async (...args) => {
    attempts += 1;
    // As if another save came between this one's read and its write, every time.
    return putSetting(args[0], args[1], args[2], { ...args[3], ifRevision: [999_999] });
  };
  try {
    const refused = await t.api.call('PATCH', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT, { instructions: 'Crowded' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({ code: 'ERR_CONFLICT', message: expect.stringContaining('send it again') });
    expect(attempts).toBe(5);
  } finally {
    store.putSetting = putSetting;
  }
});

// Last: the website's one assistant is deleted and made again.
it('answers a new AI assistant with the ETag a write over it holds to', async () => {
  const original = (await t.api.call('GET', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).body.agent;
  expect((await t.api.call('DELETE', `/v1/ai-agents/${DEFAULT_ASSISTANT_ID}`, AGENT)).status).toBe(204);
  try {
    const made = await t.api.call('POST', '/v1/ai-agents', AGENT, { name: 'Night shift', instructions: 'Be brief' });
    expect(made.status).toBe(201);
    const tag = made.headers.get('etag');
    expect(tag).toMatch(STRONG_TAG);
    const path = `/v1/ai-agents/${made.body.agent.id}`;
    expect((await t.api.call('GET', path, AGENT)).headers.get('etag')).toBe(tag);
    expect((await t.api.call('PATCH', path, AGENT, { instructions: 'Be brief and kind' }, { 'If-Match': tag! })).status).toBe(200);
    expect((await t.api.call('PATCH', path, AGENT, { instructions: 'Be long' }, { 'If-Match': tag! })).status).toBe(412);
    expect((await t.api.call('DELETE', path, AGENT)).status).toBe(204);
  } finally {
    expect((await t.api.call('POST', '/v1/ai-agents', AGENT, original)).status).toBe(201);
  }
});
