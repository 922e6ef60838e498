/** Entry of the audit page `/audit/:conversationId`: agents only, the same sign-in as the inbox. */
import '../shared/theme.css';
import '../shared/page.css';
import '../shared/components.css';
import '../shared/agent-pages.css';
import './audit.css';
import { agentApi } from '../shared/agent-session';
import { readSupportConfig } from '../shared/config';
import { h, mount } from '../shared/dom';
import { requireAgentSession } from '../shared/sign-in';
import { AuditView } from './audit-view';
import { auditPeople } from './people';

const root = document.getElementById('app')!;
const conversationId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
const session = await requireAgentSession(root, readSupportConfig().secretKey);

const content = h('main', { class: 'audit-page' }, h('p', { class: 'muted' }, 'Loading…'));
mount(
  root,
  h(
    'header',
    { class: 'topbar' },
    h('strong', { class: 'brand' }, '◆ Audit trail'),
    h('code', { class: 'audit-id' }, conversationId),
    h('a', { class: 'btn', href: '/inbox' }, 'Inbox'),
  ),
  content,
);
try {
  const api = agentApi(session);
  // Without the team the trail still reads, by ids.
  const [{ entries }, team] = await Promise.all([api.audit(conversationId), api.team().catch(() => ({ members: [], formerMembers: [] }))]);
  mount(content, h('h1', {}, `Conversation ${conversationId}`), h('p', { class: 'muted' }, `${entries.length} entries, oldest first`), new AuditView(entries, auditPeople(team)).element);
} catch (error) {
  mount(content, h('p', { class: 'sign-in-error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
}
