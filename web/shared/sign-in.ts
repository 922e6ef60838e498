/**
 * Agent sign-in for the inbox and audit pages: paste the website's secret key, then pick who you
 * are among the team's humans (`GET /v1/team`); or paste a member token your backend made for you,
 * which says who you are (`GET /v1/team/me`). The key is prefilled only from the link a local
 * demo's `npm start` prints (config.ts).
 */
import { ApiClient } from './api-client';
import { clearAgentSession, loadAgentSession, onSignOutElsewhere, saveAgentSession, takeSignedOutNote, type AgentSession } from './agent-session';
import { h, mount } from './dom';
import { initialOf, memberLabels } from './member-labels';
import type { TeamMemberInfo } from './wire';
import { written } from './written';

/** The stored session, or the sign-in form until the agent completes it; the page lets it go when the agent signs out in another page. */
export async function requireAgentSession(root: HTMLElement, prefillKey?: string): Promise<AgentSession> {
  const session = loadAgentSession() ?? (await new Promise<AgentSession>((resolve) => askForKey(root, prefillKey ?? '', resolve)));
  onSignOutElsewhere(session, () => {
    clearAgentSession();
    location.reload();
  });
  return session;
}

function card(...children: Array<Node | false>): HTMLElement {
  return h('main', { class: 'sign-in' }, h('div', { class: 'sign-in-card' }, h('h1', {}, 'Support team sign-in'), ...children));
}

function askForKey(root: HTMLElement, prefill: string, done: (session: AgentSession) => void): void {
  const key = h('input', { type: 'password', name: 'key', value: prefill, placeholder: 'sk_… or mt_…', autocomplete: 'off', required: true });
  const error = h('p', { class: 'sign-in-error', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'sign-in-form',
      on: {
        submit: async (event) => {
          event.preventDefault();
          error.textContent = '';
          const given = key.value.trim();
          // The server's word for it speaks of headers, for a developer: this page says it for the person signing in.
          if (given.startsWith('pk_')) {
            error.textContent = "That is the website's public key, which the chat widget uses. Sign in with the secret key (sk_…) or a member token (mt_…).";
            return;
          }
          try {
            if (given.startsWith('mt_')) return signedIn({ key: given }, (await new ApiClient({ kind: 'agent', key: given }).me()).member, done);
            const { members } = await new ApiClient({ kind: 'agent', key: given }).team();
            pickMember(root, given, members, done);
          } catch (thrown) {
            error.textContent = thrown instanceof Error ? thrown.message : String(thrown);
          }
        },
      },
    },
    h('label', {}, 'Website secret key or member token', key),
    error,
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Continue'),
  );
  const signedOut = takeSignedOutNote();
  mount(root, card(signedOut !== undefined && h('p', { class: 'sign-in-notice', role: 'alert' }, signedOut), h('p', { class: 'muted' }, 'The key stays in this browser tab only.'), form));
  key.focus();
}

function signedIn({ key }: Pick<AgentSession, 'key'>, member: TeamMemberInfo, done: (session: AgentSession) => void): void {
  const session = { key, agentId: member.id, agentName: member.name };
  saveAgentSession(session);
  done(session);
}

function pickMember(root: HTMLElement, key: string, members: TeamMemberInfo[], done: (session: AgentSession) => void): void {
  const humans = members.filter((m) => m.kind === 'human');
  const labels = memberLabels(humans);
  const choose = (member: TeamMemberInfo) => signedIn({ key }, member, done);
  // The step's heading takes the focus the Continue button had (it is gone): a screen reader says the step.
  const step = h('h2', { class: 'sign-in-step muted', tabindex: '-1' }, 'Who are you?');
  mount(
    root,
    card(
      step,
      h(
        'div',
        { class: 'sign-in-members' },
        ...humans.map((member) =>
          h(
            'button',
            { type: 'button', class: 'sign-in-member', data: { memberId: member.id }, on: { click: () => choose(member) } },
            // The initial is a picture of the name: not a part of the button's name.
            h('span', { class: 'avatar', 'aria-hidden': 'true' }, initialOf(member.name)),
            written('span', {}, labels.get(member.id) ?? member.name),
          ),
        ),
      ),
    ),
  );
  step.focus();
}
