/** A visitor asking the assistant for a person, over the wire, as the hand-off tests do it. */
import { expect } from 'vitest';
import type { TestAppHandle } from './app';
import type { Frame } from './clients';

/** A new visitor opens `conversationId` and asks for a person; returns what the assistant says to them, as their socket shows it. */
export async function askForPerson(t: Pick<TestAppHandle, 'api' | 'open'>, conversationId: string): Promise<string> {
  const visitor = { visitorId: await t.api.newVisitor() };
  const socket = await t.open(visitor);
  expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
  expect((await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: 'Can I talk to a human please?' } })).status).toBe(201);
  const said = await socket.waitFor((f: Frame) => f.type === 'timelineItemCreated' && f.payload.item.author.kind === 'ai' && f.payload.item.type === 'message', 20_000);
  return said.payload.item.text as string;
}
