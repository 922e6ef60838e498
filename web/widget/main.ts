/** Entry of the widget bundle: reads the bootstrap config and mounts the widget on the page. */
import '../shared/theme.css';
import '../shared/components.css';
import './widget.css';
import { readSupportConfig } from '../shared/config';
import { startVisitorSession } from './visitor-session';
import { SupportWidget } from './widget';

const { publicKey } = readSupportConfig();
const widget = new SupportWidget(await startVisitorSession(publicKey));
await widget.mount(document.body);
