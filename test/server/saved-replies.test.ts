/**
 * `/v1/saved-replies`: the team's saved replies over the wire. Any person on the team adds one;
 * its author or an admin changes or deletes it; visitors never see them. Shortcuts are unique per
 * website whatever their case, and every change reaches the team's sockets.
 */
import { describe, expect, it } from 'vitest';
import { AGENT, type Who } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();
const BACKEND = { agent: null };

const add = (who: Who, body: object) => t.api.call('POST', '/v1/saved-replies', who, body);
const shortcutsOf = async (query = '', who: Who = AGENT): Promise<string[]> => {
  const answer = await t.api.call('GET', `/v1/saved-replies${query}`, who);
  expect(answer.status).toBe(200);
  return (answer.body.savedReplies as Array<{ shortcut: string }>).map((reply) => reply.shortcut);
};

/** A person on the team, acting by a member token of this role. */
async function memberWithToken(id: string, role: 'agent' | 'admin'): Promise<Who> {
  expect((await t.api.call('POST', '/v1/team/members', AGENT, { id, name: id })).status).toBe(201);
  const made = await t.api.call('POST', `/v1/team/members/${id}/tokens`, BACKEND, { role });
  expect(made.status).toBe(201);
  return { memberToken: made.body.token };
}

describe('/v1/saved-replies', () => {
  it('adds a reply in the name of its writer and lists the website’s replies by shortcut', async () => {
    const made = await add(AGENT, { shortcut: 'refund', title: 'Refund policy', text: '  Refunds take 5 business days.  ' });
    expect(made.status).toBe(201);
    expect(made.body.savedReply).toEqual({
      id: expect.stringMatching(/^sr_/),
      websiteId: t.app.websiteId,
      shortcut: 'refund',
      title: 'Refund policy',
      text: 'Refunds take 5 business days.',
      createdBy: AGENT.agent,
      createdAt: expect.any(String),
      updatedAt: made.body.savedReply.createdAt,
    });
    expect((await add(AGENT, { shortcut: 'Hello-2', title: 'Greeting', text: 'Hi there!' })).status).toBe(201);
    expect(await shortcutsOf()).toEqual(['Hello-2', 'refund']);
    // A backend reading with the secret key alone sees them too.
    expect(await shortcutsOf('', BACKEND)).toEqual(['Hello-2', 'refund']);
  });

  it('finds replies by shortcut, title or text, whatever the case and accents', async () => {
    expect((await add(AGENT, { shortcut: 'cafe-hours', title: 'Opening hours', text: 'Our Café opens at 8.' })).status).toBe(201);
    expect((await add(AGENT, { shortcut: 'export', title: 'Exporting NOTES', text: 'Settings, then Export.' })).status).toBe(201);
    expect(await shortcutsOf('?q=CAFE')).toEqual(['cafe-hours']);
    expect(await shortcutsOf('?q=caf%C3%A9')).toEqual(['cafe-hours']);
    expect(await shortcutsOf('?q=notes')).toEqual(['export']);
    expect(await shortcutsOf('?q=opening')).toEqual(['cafe-hours']);
    // Taken literally: a dot is no pattern.
    expect(await shortcutsOf('?q=8.')).toEqual(['cafe-hours']);
    expect(await shortcutsOf('?q=a.e')).toEqual([]);
  });

  it('refuses a shortcut another reply has, whatever its case, with a 409', async () => {
    expect((await add(AGENT, { shortcut: 'Shipping', title: 'Shipping', text: 'We ship in 2 days.' })).status).toBe(201);
    for (const shortcut of ['shipping', 'SHIPPING']) {
      const clash = await add(AGENT, { shortcut, title: 'Again', text: 'Twice' });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('ERR_CONFLICT');
    }
    const other = await add(AGENT, { shortcut: 'delivery', title: 'Delivery', text: 'On its way.' });
    const renamed = await t.api.call('PATCH', `/v1/saved-replies/${other.body.savedReply.id}`, AGENT, { shortcut: 'shipPING' });
    expect(renamed.status).toBe(409);
    expect(await shortcutsOf('?q=ship')).toEqual(['Shipping']);
    // Its own shortcut in another case is no clash.
    const recased = await t.api.call('PATCH', `/v1/saved-replies/${other.body.savedReply.id}`, AGENT, { shortcut: 'Delivery' });
    expect(recased.status).toBe(200);
    expect(recased.body.savedReply.shortcut).toBe('Delivery');
  });

  it('refuses fields it could not keep, naming them', async () => {
    const refused = async (body: unknown) => {
      const answer = await add(AGENT, body as object);
      expect(answer.status).toBe(400);
      return (answer.body.error.details.fields as Array<{ path: string }>).map((field) => field.path);
    };
    const valid = { shortcut: 'ok', title: 'Fine', text: 'Fine.' };
    expect(await refused({ ...valid, shortcut: 'two words' })).toEqual(['body.shortcut']);
    expect(await refused({ ...valid, shortcut: '-dash' })).toEqual(['body.shortcut']);
    expect(await refused({ ...valid, shortcut: 'x'.repeat(33) })).toEqual(['body.shortcut']);
    expect(await refused({ ...valid, title: '' })).toEqual(['body.title']);
    expect(await refused({ ...valid, title: 'two\nlines' })).toEqual(['body.title']);
    expect(await refused({ ...valid, text: '   ' })).toEqual(['body.text']);
    expect(await refused({ ...valid, text: 'x'.repeat(10_001) })).toEqual(['body.text']);
    expect(await refused({ ...valid, createdBy: 'someone' })).toEqual(['body.createdBy']);
    expect(await refused({ title: 'Fine', text: 'Fine.' })).toEqual(['body.shortcut']);
    const query = await t.api.call('GET', '/v1/saved-replies?limit=5', AGENT);
    expect(query.status).toBe(400);
    expect(query.body.error.details.fields).toEqual([{ path: 'query.limit', message: 'unknown parameter' }]);
    const made = await add(AGENT, { shortcut: 'patch-me', title: 'Patch me', text: 'Before.' });
    const empty = await t.api.call('PATCH', `/v1/saved-replies/${made.body.savedReply.id}`, AGENT, {});
    expect(empty.status).toBe(400);
  });

  it('keeps placeholders the inbox fills as written, and refuses a mistyped one on adding and on changing, naming it', async () => {
    const text = 'Hi {{visitor.firstName | there}}, {{agent.firstName}} here.';
    const made = await add(AGENT, { shortcut: 'hello', title: 'Hello', text });
    expect(made.status).toBe(201);
    expect(made.body.savedReply.text).toBe(text);

    const unknown = (answer: { status: number; body: any }) => {
      expect(answer.status).toBe(400);
      expect(answer.body.error.details.fields).toEqual([
        { path: 'body.text', message: 'unknown placeholders {{visitor.nmae}}, {{agent.title}}: known are visitor.name, visitor.firstName, visitor.email, agent.name, agent.firstName' },
      ]);
    };
    unknown(await add(AGENT, { shortcut: 'typo', title: 'Typo', text: 'Hi {{visitor.nmae}}, from {{ agent.title }} and {{visitor.nmae}}' }));
    unknown(await t.api.call('PATCH', `/v1/saved-replies/${made.body.savedReply.id}`, AGENT, { text: '{{visitor.nmae}}{{agent.title|x}}' }));
    expect(await shortcutsOf('?q=typo')).toEqual([]);

    // Braces of another kind are text: a templating product's team sends its customers examples.
    const example = 'Write {{#each items}}{{ product.title | upcase }}{{/each}} in your template ({{}} is empty).';
    expect((await add(AGENT, { shortcut: 'template', title: 'Templates', text: example })).body.savedReply?.text).toBe(example);
  });

  it('keeps saved replies from visitors, AI assistants and anyone not acting as a person', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    expect((await t.api.call('GET', '/v1/saved-replies', visitor)).status).toBe(403);
    expect((await add(visitor, { shortcut: 'mine', title: 'Mine', text: 'Mine.' })).status).toBe(403);
    expect((await add(BACKEND, { shortcut: 'mine', title: 'Mine', text: 'Mine.' })).status).toBe(403);
    expect((await add({ agent: 'ai_assistant' }, { shortcut: 'mine', title: 'Mine', text: 'Mine.' })).status).toBe(403);
    expect(await shortcutsOf('?q=mine')).toEqual([]);
  });

  it('lets only its author or an admin change or delete a reply', async () => {
    const author = await memberWithToken('usr-sr-ana', 'agent');
    const colleague = await memberWithToken('usr-sr-ben', 'agent');
    const admin = await memberWithToken('usr-sr-cy', 'admin');
    const made = await add(author, { shortcut: 'anas', title: "Ana's", text: 'Hello from Ana.' });
    expect(made.status).toBe(201);
    expect(made.body.savedReply.createdBy).toBe('usr-sr-ana');
    const path = `/v1/saved-replies/${made.body.savedReply.id}`;

    const byColleague = await t.api.call('PATCH', path, colleague, { text: 'Hijacked.' });
    expect(byColleague.status).toBe(403);
    expect((await t.api.call('DELETE', path, colleague)).status).toBe(403);
    // A colleague may still add replies of their own.
    expect((await add(colleague, { shortcut: 'bens', title: "Ben's", text: 'Hello from Ben.' })).status).toBe(201);

    const byAuthor = await t.api.call('PATCH', path, author, { text: 'Hello again from Ana.' });
    expect(byAuthor.status).toBe(200);
    expect(byAuthor.body.savedReply).toMatchObject({ shortcut: 'anas', title: "Ana's", text: 'Hello again from Ana.', createdBy: 'usr-sr-ana' });
    expect(byAuthor.body.savedReply.updatedAt > made.body.savedReply.updatedAt).toBe(true);
    expect((await t.api.call('PATCH', path, admin, { title: 'Ana (edited by an admin)' })).status).toBe(200);
    expect((await t.api.call('DELETE', path, admin)).status).toBe(204);
    expect(await shortcutsOf('?q=anas')).toEqual([]);
    expect((await t.api.call('PATCH', path, author, { text: 'Gone?' })).status).toBe(404);
    expect((await t.api.call('DELETE', path, author)).status).toBe(404);
  });

  it('tells the team’s sockets, and no visitor’s, when the list changes', async () => {
    const team = await t.open(AGENT);
    const visitor = await t.open({ visitorId: await t.api.newVisitor() });
    const heard = () => team.of('savedRepliesUpdated').length;
    const made = await add(AGENT, { shortcut: 'live', title: 'Live', text: 'Heard live.' });
    await team.waitFor((frame) => frame.type === 'savedRepliesUpdated');
    expect(team.of('savedRepliesUpdated')[0]!.payload).toEqual({ websiteId: t.app.websiteId });
    const afterAdd = heard();
    expect((await t.api.call('PATCH', `/v1/saved-replies/${made.body.savedReply.id}`, AGENT, { text: 'Changed live.' })).status).toBe(200);
    await team.waitFor(() => heard() > afterAdd);
    const afterChange = heard();
    expect((await t.api.call('DELETE', `/v1/saved-replies/${made.body.savedReply.id}`, AGENT)).status).toBe(204);
    await team.waitFor(() => heard() > afterChange);
    expect(visitor.of('savedRepliesUpdated')).toEqual([]);
  });
});
