/** Entry of the agent inbox: sign in (secret key + team member), then the inbox. */
import '../shared/theme.css';
import '../shared/page.css';
import '../shared/components.css';
import '../shared/agent-pages.css';
import './inbox.css';
import { readSupportConfig } from '../shared/config';
import { requireAgentSession } from '../shared/sign-in';
import { Inbox } from './inbox';

const root = document.getElementById('app')!;
const session = await requireAgentSession(root, readSupportConfig().secretKey);
await new Inbox(session).mount(root);
